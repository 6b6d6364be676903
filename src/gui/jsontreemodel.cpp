#include "gui/jsontreemodel.h"

#include <QLocale>

namespace afx::gui {

namespace {

// Longer strings are cut in the Value column; the text view shows them whole.
constexpr qsizetype maxShownStringLength = 500;

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return JsonTreeModel::tr("null");
    case QJsonValue::Bool:
        return JsonTreeModel::tr("boolean");
    case QJsonValue::Double:
        return JsonTreeModel::tr("number");
    case QJsonValue::String:
        return JsonTreeModel::tr("string");
    case QJsonValue::Array:
        return JsonTreeModel::tr("array");
    case QJsonValue::Object:
        return JsonTreeModel::tr("object");
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QString valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        const qint64 integer = value.toInteger();
        if (double(integer) == number)
            return QString::number(integer);
        return QString::number(number, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::String: {
        const QString text = value.toString();
        if (text.size() <= maxShownStringLength)
            return text;
        return text.left(maxShownStringLength) + QChar(0x2026);
    }
    case QJsonValue::Array: {
        const qsizetype count = value.toArray().size();
        return count == 1 ? JsonTreeModel::tr("[1 item]") : JsonTreeModel::tr("[%1 items]").arg(count);
    }
    case QJsonValue::Object: {
        const qsizetype count = value.toObject().size();
        return count == 1 ? JsonTreeModel::tr("{1 key}") : JsonTreeModel::tr("{%1 keys}").arg(count);
    }
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

} // namespace

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::setDocument(const QJsonDocument &document)
{
    beginResetModel();
    m_root.reset();
    m_nodeCount = 0;
    if (document.isObject())
        m_root = makeNode(nullptr, 0, document.object());
    else if (document.isArray())
        m_root = makeNode(nullptr, 0, document.array());
    endResetModel();
}

std::unique_ptr<JsonTreeModel::Node> JsonTreeModel::makeNode(Node *parent, int row, const QJsonValue &value) const
{
    auto node = std::make_unique<Node>();
    node->parent = parent;
    node->row = row;
    node->value = value;
    if (value.isObject())
        node->object = value.toObject();
    else if (value.isArray())
        node->array = value.toArray();
    ++m_nodeCount;
    return node;
}

int JsonTreeModel::childCount(const Node *node)
{
    if (node->value.isObject())
        return int(node->object.size());
    if (node->value.isArray())
        return int(node->array.size());
    return 0;
}

QJsonValue JsonTreeModel::childValue(const Node *node, int row)
{
    if (node->value.isObject())
        return (node->object.constBegin() + row).value();
    return node->array.at(row);
}

QString JsonTreeModel::childKey(const Node *node, int row)
{
    if (node->value.isObject())
        return (node->object.constBegin() + row).key();
    return QString::number(row);
}

JsonTreeModel::Node *JsonTreeModel::containerNode(const QModelIndex &index) const
{
    if (!index.isValid())
        return m_root.get();
    // An index's internal pointer is its parent's node: rows need no node of their own.
    Node *parentNode = static_cast<Node *>(index.internalPointer());
    if (parentNode->children.empty())
        parentNode->children.resize(size_t(childCount(parentNode)));
    std::unique_ptr<Node> &slot = parentNode->children[size_t(index.row())];
    if (!slot)
        slot = makeNode(parentNode, index.row(), childValue(parentNode, index.row()));
    return slot.get();
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!m_root || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    Node *node = containerNode(parent);
    if (row >= childCount(node))
        return {};
    return createIndex(row, column, node);
}

QModelIndex JsonTreeModel::parent(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    const Node *parentNode = static_cast<const Node *>(index.internalPointer());
    if (!parentNode || parentNode == m_root.get())
        return {};
    return createIndex(parentNode->row, 0, parentNode->parent);
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!m_root || parent.column() > 0)
        return 0;
    if (!parent.isValid())
        return childCount(m_root.get());
    const QJsonValue value = childValue(static_cast<const Node *>(parent.internalPointer()), parent.row());
    if (value.isObject())
        return int(value.toObject().size());
    if (value.isArray())
        return int(value.toArray().size());
    return 0;
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const Node *parentNode = static_cast<const Node *>(index.internalPointer());
    switch (index.column()) {
    case KeyColumn:
        return childKey(parentNode, index.row());
    case ValueColumn: {
        const QJsonValue value = childValue(parentNode, index.row());
        if (role == Qt::ToolTipRole && value.isString() && value.toString().size() > maxShownStringLength)
            return tr("%1 characters; the text view shows the whole string").arg(value.toString().size());
        return role == Qt::DisplayRole ? QVariant(valueText(value)) : QVariant();
    }
    case TypeColumn:
        return role == Qt::DisplayRole ? QVariant(typeName(childValue(parentNode, index.row()))) : QVariant();
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    default:
        return {};
    }
}

} // namespace afx::gui
