#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// application/x-www-form-urlencoded for the sandbox's server side. The sandbox keeps its own
// codec instead of sharing the app's, so that an encoding bug in the app shows up as a
// rejected request instead of being mirrored by an identical bug on the server.
namespace afx::sandbox {

// Encodes one value: UTF-8, unreserved characters (A-Z a-z 0-9 - . _ ~) kept, space as '+',
// every other byte (including '+', '/', '=', ':') as %XX.
QByteArray formEncode(const QString &value);

// Decodes one value: '+' becomes a space, then %XX escapes are decoded and the bytes must
// be valid UTF-8. Returns false for a broken escape or invalid UTF-8.
bool formDecode(QByteArrayView encoded, QString *out);

// Fields of a form body or query string, in order, duplicates kept.
class FormFields {
public:
    // Parses "a=1&b=2". Empty pieces are skipped, and a piece without '=' has an empty value.
    static bool parse(QByteArrayView encoded, FormFields *out, QString *error);

    void append(const QString &name, const QString &value) { m_fields.append({name, value}); }
    bool has(const QString &name) const;
    QString value(const QString &name) const; // the first value, or empty when absent (see has())
    // Names that occur more than once. OAuth 2.0 forbids repeated parameters (RFC 6749 sections 3.1 and 3.2).
    QStringList repeatedNames() const;
    QByteArray encode() const; // "a=1&b=2" with formEncode() applied to names and values
    bool isEmpty() const { return m_fields.isEmpty(); }

private:
    QList<QPair<QString, QString>> m_fields;
};

} // namespace afx::sandbox
