#pragma once

#include <QAbstractItemModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <memory>
#include <vector>

namespace afx::gui {

// A read-only tree over a parsed JSON document with the columns Key, Value and Type.
//
// Nodes are created lazily: a node exists only for a container whose children were requested
// (the root and every expanded object or array), so a 20 MB document costs a handful of nodes
// until the user expands it. Rows of a container are read straight from the shared QJsonArray
// or QJsonObject, whose elements Qt 6 stores contiguously, so indexing a row is O(1).
class JsonTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, TypeColumn, ColumnCount };

    explicit JsonTreeModel(QObject *parent = nullptr);
    ~JsonTreeModel() override;

    // Shows `document`, or nothing for a null document.
    void setDocument(const QJsonDocument &document);
    void clear() { setDocument({}); }

    // Number of container nodes created so far, the root included. For tests of the lazy loading.
    qsizetype nodeCount() const { return m_nodeCount; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &index) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node {
        Node *parent = nullptr;
        int row = 0;
        QJsonValue value;
        QJsonObject object; // set when value is an object
        QJsonArray array;   // set when value is an array
        std::vector<std::unique_ptr<Node>> children; // sized on first use, filled on demand
    };

    static int childCount(const Node *node);
    static QJsonValue childValue(const Node *node, int row);
    static QString childKey(const Node *node, int row);
    // The node of the container at `index`, created when it does not exist yet.
    Node *containerNode(const QModelIndex &index) const;
    std::unique_ptr<Node> makeNode(Node *parent, int row, const QJsonValue &value) const;

    std::unique_ptr<Node> m_root;
    mutable qsizetype m_nodeCount = 0;
};

} // namespace afx::gui
