#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QList>
#include <QString>
#include <QVarLengthArray>

namespace afx::json {

class ObjectView;

// One member value of an ObjectView. It points into the object's text, so it is valid while the
// ObjectView (or a copy of it) exists and has not read another text.
class ValueView {
public:
    QJsonValue::Type type() const { return m_type; }
    bool isUndefined() const { return m_type == QJsonValue::Undefined; }
    bool isString() const { return m_type == QJsonValue::String; }
    bool isDouble() const { return m_type == QJsonValue::Double; }
    bool isArray() const { return m_type == QJsonValue::Array; }

    QString toString() const; // the decoded text of a string, empty for other types
    double toDouble() const { return m_number; }
    QJsonArray toArray() const; // the elements of an array, empty for other types

private:
    friend class ObjectView;
    QJsonValue::Type m_type = QJsonValue::Undefined;
    QByteArrayView m_text; // the JSON text of the value, for a string without its quotes
    bool m_escaped = false; // a string with backslash escapes
    double m_number = 0;
};

// The members of one JSON object, read in one pass over its UTF-8 text without building a
// QJsonObject. The ID token validator reads the header and claims with it: QJsonDocument took
// 0.9 of the 3 us a validation spent outside the signature. Nested values are checked, not decoded.
//
// read() follows RFC 8259 and is stricter than QJsonDocument in three ways, each reported by
// name: a member name that appears twice (RFC 7519 section 4 allows rejecting it), an unpaired
// UTF-16 surrogate in a \u escape, and nesting deeper than kMaxDepth.
class ObjectView {
public:
    static constexpr int kMaxDepth = 64;

    // Reads `text`, which must hold one JSON object and nothing else but whitespace. On failure
    // returns false, leaves the view empty and sets *error to a sentence naming what was wrong
    // and the byte offset.
    bool read(const QByteArray &text, QString *error);

    ValueView value(QLatin1StringView name) const;
    ValueView value(const QString &name) const;
    bool contains(QLatin1StringView name) const { return !value(name).isUndefined(); }
    qsizetype size() const { return m_members.size(); }
    bool isEmpty() const { return m_members.isEmpty(); }

    // The whole object as a QJsonObject, parsed again with QJsonDocument.
    QJsonObject toJsonObject() const;

    // The member name that made the last read() fail because it appears twice; empty otherwise.
    QString repeatedName() const { return m_repeatedName; }

private:
    struct Member {
        QByteArrayView name; // decoded UTF-8, in m_text or in m_decodedNames
        ValueView value;
    };

    QByteArray m_text;
    QList<QByteArray> m_decodedNames; // names that had escapes
    QVarLengthArray<Member, 12> m_members;
    QString m_repeatedName;
};

// Names the type of `value` as jsonTypeName does for a QJsonValue, such as "a string".
QString jsonTypeName(const ValueView &value);

} // namespace afx::json
