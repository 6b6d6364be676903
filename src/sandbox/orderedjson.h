#pragma once

#include <QByteArray>
#include <QString>

#include <vector>

namespace afx::sandbox {

// A JSON value whose object members keep their insertion order. GraphQL responses must list
// fields in the order of the selection set, which QJsonObject (sorted by key) cannot do.
class OrderedJson {
public:
    enum class Kind { Null, Boolean, Integer, String, Array, Object };

    OrderedJson() = default;
    static OrderedJson null() { return {}; }
    static OrderedJson boolean(bool value);
    static OrderedJson integer(qint64 value);
    static OrderedJson string(const QString &value);
    static OrderedJson array();
    static OrderedJson object();

    Kind kind() const { return m_kind; }
    bool isNull() const { return m_kind == Kind::Null; }

    void append(OrderedJson value);                      // Array only
    void insert(const QString &key, OrderedJson value);  // Object only, in insertion order

    QByteArray toJson() const; // compact UTF-8 JSON

private:
    void write(QByteArray &out) const;

    Kind m_kind = Kind::Null;
    bool m_boolean = false;
    qint64 m_integer = 0;
    QString m_string;
    std::vector<QString> m_keys;         // Object member names, parallel to m_items
    std::vector<OrderedJson> m_items;    // Array elements or Object member values
};

// Appends `text` as a JSON string literal (quotes and escapes included).
void appendJsonString(QByteArray &out, const QString &text);

} // namespace afx::sandbox
