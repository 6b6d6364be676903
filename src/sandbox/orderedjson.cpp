#include "sandbox/orderedjson.h"

namespace afx::sandbox {

OrderedJson OrderedJson::boolean(bool value)
{
    OrderedJson json;
    json.m_kind = Kind::Boolean;
    json.m_boolean = value;
    return json;
}

OrderedJson OrderedJson::integer(qint64 value)
{
    OrderedJson json;
    json.m_kind = Kind::Integer;
    json.m_integer = value;
    return json;
}

OrderedJson OrderedJson::string(const QString &value)
{
    OrderedJson json;
    json.m_kind = Kind::String;
    json.m_string = value;
    return json;
}

OrderedJson OrderedJson::array()
{
    OrderedJson json;
    json.m_kind = Kind::Array;
    return json;
}

OrderedJson OrderedJson::object()
{
    OrderedJson json;
    json.m_kind = Kind::Object;
    return json;
}

void OrderedJson::append(OrderedJson value)
{
    Q_ASSERT(m_kind == Kind::Array);
    m_items.push_back(std::move(value));
}

void OrderedJson::insert(const QString &key, OrderedJson value)
{
    Q_ASSERT(m_kind == Kind::Object);
    for (size_t i = 0; i < m_keys.size(); ++i) {
        if (m_keys[i] == key) {
            m_items[i] = std::move(value);
            return;
        }
    }
    m_keys.push_back(key);
    m_items.push_back(std::move(value));
}

QByteArray OrderedJson::toJson() const
{
    QByteArray out;
    write(out);
    return out;
}

void OrderedJson::write(QByteArray &out) const
{
    switch (m_kind) {
    case Kind::Null:
        out += "null";
        return;
    case Kind::Boolean:
        out += m_boolean ? "true" : "false";
        return;
    case Kind::Integer:
        out += QByteArray::number(m_integer);
        return;
    case Kind::String:
        appendJsonString(out, m_string);
        return;
    case Kind::Array:
        out += '[';
        for (size_t i = 0; i < m_items.size(); ++i) {
            if (i > 0)
                out += ',';
            m_items[i].write(out);
        }
        out += ']';
        return;
    case Kind::Object:
        out += '{';
        for (size_t i = 0; i < m_items.size(); ++i) {
            if (i > 0)
                out += ',';
            appendJsonString(out, m_keys[i]);
            out += ':';
            m_items[i].write(out);
        }
        out += '}';
        return;
    }
}

void appendJsonString(QByteArray &out, const QString &text)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const uchar byte = uchar(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (byte < 0x20) {
                out += "\\u00";
                out += hex[byte >> 4];
                out += hex[byte & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace afx::sandbox
