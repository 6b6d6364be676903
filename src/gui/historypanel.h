#pragma once

#include "query/history.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace afx::gui {

// Lists a profile's saved queries and its history of sent requests, newest first, each in its
// own section, with a filter box that matches the document, the URL, the operation name and
// the saved name. Enter or a double-click on an entry emits entryActivated(). Saved queries
// are renamed in place (F2 or the context menu) and deleted with Delete or the context menu.
// The panel changes the store it shows, which the owner keeps.
class HistoryPanel : public QWidget {
    Q_OBJECT
public:
    explicit HistoryPanel(QWidget *parent = nullptr);

    // Not owned, and null shows nothing. Call refresh() after changing the store elsewhere.
    void setStore(query::HistoryStore *store);
    void refresh();

    // Problems found when the store was opened, shown above the list until the next call.
    void setProblems(const QStringList &problems);

    QString filterText() const;
    void setFilterText(const QString &text);
    void focusFilter();

    // Changes the store and the list. On failure the list shows the store's state and
    // errorOccurred() is emitted with the reason.
    bool renameSavedQuery(const QString &from, const QString &to);
    bool removeSavedQuery(const QString &name);
    bool clearHistory();

    // A one-line title of an entry: the saved name, the operation name, the first words of
    // the document, or "GET /path" for a raw HTTP request.
    static QString entryTitle(const query::HistoryEntry &entry);
    // "200 · 35 ms · 14:03", with the date when it is not today.
    static QString entryDetails(const query::HistoryEntry &entry);

Q_SIGNALS:
    void entryActivated(const afx::query::HistoryEntry &entry);
    void errorOccurred(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum Role { KindRole = Qt::UserRole + 1, IndexRole, NameRole };
    enum ItemKind { SectionItem, HistoryItem, SavedItem };
    void activate(QTreeWidgetItem *item);
    void renameEdited(QTreeWidgetItem *item);
    void showContextMenu(const QPoint &position);
    void confirmRemove(const QString &name);
    const query::HistoryEntry *entryFor(const QTreeWidgetItem *item) const;

    query::HistoryStore *m_store = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_problems = nullptr;
    QTreeWidget *m_list = nullptr;
    QTreeWidgetItem *m_savedSection = nullptr;
    QTreeWidgetItem *m_historySection = nullptr;
    bool m_filling = false;
};

} // namespace afx::gui
