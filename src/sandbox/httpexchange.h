#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>

namespace afx::sandbox {

// One HTTP request as the sandbox handlers see it, independent of the QHttpServer version.
struct HttpRequest {
    QByteArray method;   // upper case: "GET", "POST", ...
    QString path;        // decoded path without the query, such as "/token"
    QByteArray rawQuery; // the query string as received, without '?'
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    // First value of a header, compared case-insensitively, or empty when absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    // The media type of Content-Type in lower case, without parameters such as charset.
    QByteArray mediaType() const;
};

struct HttpResponse {
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // besides Content-Type

    void addHeader(const QByteArray &name, const QByteArray &value) { headers.append({name, value}); }
    QByteArray header(QByteArrayView name) const;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse jsonBytes(int status, QByteArray body);
    static HttpResponse html(int status, QByteArray body);
    static HttpResponse text(int status, const QString &body);
    static HttpResponse redirect(const QByteArray &location); // 302 Found
    // 405 with a JSON error and the Allow header, such as "GET, POST".
    static HttpResponse methodNotAllowed(const QByteArray &allowed);
};

// Sends the response to one request, either before the handler returns or later from the
// event loop, for example when a request to another server has finished. Calls after the
// first one do nothing.
using Respond = std::function<void(const HttpResponse &)>;

} // namespace afx::sandbox
