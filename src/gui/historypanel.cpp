#include "gui/historypanel.h"

#include "flow/trace.h"
#include "gui/diagramwidget.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRegularExpression>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace afx::gui {

using query::HistoryEntry;
using query::RequestMode;

namespace {

// Maximum length of the title of an entry without an operation name, in characters.
constexpr int maxTitleLength = 48;
// Item data: the StepResult that colours an entry's status, or -1 for none.
constexpr int statusResultRole = Qt::UserRole + 10;

// Draws a two-line entry ("title\ndetails") with the details smaller and muted, and the
// status at their start in the colour of its result. Other items are drawn as usual.
class EntryDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QString text = index.data(Qt::DisplayRole).toString();
        const qsizetype newline = text.indexOf(QLatin1Char('\n'));
        if (newline < 0) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        opt.text.clear();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

        const QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(2, 1, -2, -1);
        const bool selected = opt.state & QStyle::State_Selected;
        const QPalette &palette = opt.palette;
        const QColor textColor = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
        const QColor mutedColor = selected ? textColor : palette.color(QPalette::PlaceholderText);
        const QFontMetrics titleMetrics(opt.font);
        QFont smallFont = opt.font;
        smallFont.setPointSizeF(opt.font.pointSizeF() * 0.9);
        const QFontMetrics smallMetrics(smallFont);

        painter->save();
        painter->setFont(opt.font);
        painter->setPen(textColor);
        const QRect titleRect(textRect.left(), textRect.top(), textRect.width(), titleMetrics.height());
        painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                          titleMetrics.elidedText(text.left(newline), Qt::ElideRight, titleRect.width()));

        QString details = text.mid(newline + 1);
        QRect detailRect(textRect.left(), titleRect.bottom() + 1, textRect.width(), smallMetrics.height());
        painter->setFont(smallFont);
        const int result = index.data(statusResultRole).toInt();
        if (result >= 0 && !selected) {
            // The status, before the first " · ", in its result's colour.
            const QString status = details.section(QStringLiteral(" · "), 0, 0);
            painter->setPen(resultColor(StepResult(result), palette));
            painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter, status);
            const int width = smallMetrics.horizontalAdvance(status);
            detailRect.setLeft(detailRect.left() + width);
            details = details.mid(status.size());
        }
        painter->setPen(mutedColor);
        painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
                          smallMetrics.elidedText(details, Qt::ElideRight, detailRect.width()));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (index.data(Qt::DisplayRole).toString().contains(QLatin1Char('\n')))
            size.setHeight(QFontMetrics(option.font).height() * 2 + 6);
        return size;
    }
};

StepResult statusResult(int status)
{
    if (status >= 200 && status < 300)
        return StepResult::Ok;
    if (status >= 300 && status < 400)
        return StepResult::Warning;
    return StepResult::Failed;
}

} // namespace

HistoryPanel::HistoryPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("historyPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("historyFilter"));
    m_filter->setPlaceholderText(tr("Filter by query, URL or operation"));
    m_filter->setAccessibleName(tr("Filter the history"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &HistoryPanel::refresh);
    m_filter->installEventFilter(this);

    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("historyProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setVisible(false);
    QPalette problemPalette = m_problems->palette();
    problemPalette.setColor(QPalette::WindowText, resultColor(StepResult::Warning, palette()));
    m_problems->setPalette(problemPalette);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setAccessibleName(tr("Saved queries and history"));
    m_list->setHeaderHidden(true);
    m_list->setColumnCount(1);
    m_list->setUniformRowHeights(false);
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->installEventFilter(this);
    m_list->setItemDelegate(new EntryDelegate(m_list));
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) { activate(item); });
    connect(m_list, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item) { renameEdited(item); });
    connect(m_list, &QTreeWidget::customContextMenuRequested, this, &HistoryPanel::showContextMenu);

    m_savedSection = new QTreeWidgetItem(m_list);
    m_savedSection->setData(0, KindRole, SectionItem);
    m_savedSection->setFlags(Qt::ItemIsEnabled);
    m_historySection = new QTreeWidgetItem(m_list);
    m_historySection->setData(0, KindRole, SectionItem);
    m_historySection->setFlags(Qt::ItemIsEnabled);
    for (QTreeWidgetItem *section : {m_savedSection, m_historySection}) {
        QFont font = section->font(0);
        font.setBold(true);
        section->setFont(0, font);
    }

    layout->addWidget(m_filter);
    layout->addWidget(m_problems);
    layout->addWidget(m_list, 1);
    refresh();
}

void HistoryPanel::setStore(query::HistoryStore *store)
{
    m_store = store;
    refresh();
}

QString HistoryPanel::filterText() const
{
    return m_filter->text();
}

void HistoryPanel::setFilterText(const QString &text)
{
    m_filter->setText(text);
}

void HistoryPanel::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void HistoryPanel::setProblems(const QStringList &problems)
{
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
}

QString HistoryPanel::entryTitle(const HistoryEntry &entry)
{
    if (!entry.name.isEmpty())
        return entry.name;
    if (entry.mode == RequestMode::Http) {
        const QUrl url(entry.url);
        const QString path = url.isValid() && !url.path().isEmpty() ? url.path() : entry.url;
        return entry.method + QLatin1Char(' ') + (path.isEmpty() ? QStringLiteral("/") : path);
    }
    if (!entry.operationName.isEmpty())
        return entry.operationName;
    // The first named operation, or the start of the document on one line.
    static const QRegularExpression named(QStringLiteral("\\b(query|mutation|subscription)\\s+([_A-Za-z][_0-9A-Za-z]*)"));
    const QRegularExpressionMatch match = named.match(entry.document);
    if (match.hasMatch())
        return match.captured(2);
    QString text = entry.document.simplified();
    if (text.size() > maxTitleLength)
        text = text.left(maxTitleLength - 1) + QStringLiteral("…");
    return text.isEmpty() ? tr("(empty document)") : text;
}

QString HistoryPanel::entryDetails(const HistoryEntry &entry)
{
    QStringList parts;
    if (!entry.name.isEmpty()) {
        parts << (entry.mode == RequestMode::Http ? entry.method : tr("GraphQL"));
    } else {
        parts << (entry.status > 0 ? QString::number(entry.status) : tr("no response"));
        if (entry.durationMs >= 0)
            parts << tr("%1 ms").arg(entry.durationMs);
    }
    const QDateTime local = entry.time.toLocalTime();
    parts << (local.date() == QDate::currentDate() ? local.toString(QStringLiteral("HH:mm:ss"))
                                                   : local.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    return parts.join(QStringLiteral(" · "));
}

void HistoryPanel::refresh()
{
    m_filling = true;
    qDeleteAll(m_savedSection->takeChildren());
    qDeleteAll(m_historySection->takeChildren());

    const QString filter = m_filter->text();
    const auto fill = [&](QTreeWidgetItem *section, const QList<HistoryEntry> &entries, ItemKind kind) {
        const QList<int> shown = query::filterEntries(entries, filter);
        for (int index : shown) {
            const HistoryEntry &entry = entries.at(index);
            auto *item = new QTreeWidgetItem(section);
            item->setData(0, KindRole, kind);
            item->setData(0, IndexRole, index);
            item->setData(0, NameRole, entry.name);
            Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
            if (kind == SavedItem) {
                flags |= Qt::ItemIsEditable;
                item->setText(0, entry.name);
            } else {
                item->setText(0, entryTitle(entry) + QLatin1Char('\n') + entryDetails(entry));
                item->setData(0, statusResultRole, int(statusResult(entry.status)));
            }
            item->setFlags(flags);
            const QString where = entry.mode == RequestMode::Http ? entry.method + QLatin1Char(' ') + entry.url : entry.url;
            QString tip = where + QStringLiteral("\n\n") + (entry.mode == RequestMode::Http ? entry.body : entry.document).left(600);
            if (kind == SavedItem)
                tip = entryTitle(entry) + QStringLiteral(" · ") + entryDetails(entry) + QStringLiteral("\n") + tip;
            item->setToolTip(0, tip.trimmed());
        }
        return shown.size();
    };

    const QList<HistoryEntry> none;
    const qsizetype savedCount = m_store ? m_store->savedQueries().size() : 0;
    const qsizetype historyCount = m_store ? m_store->history().size() : 0;
    const qsizetype savedShown = fill(m_savedSection, m_store ? m_store->savedQueries() : none, SavedItem);
    const qsizetype historyShown = fill(m_historySection, m_store ? m_store->history() : none, HistoryItem);
    const auto sectionText = [&filter](const QString &label, qsizetype shown, qsizetype total) {
        if (filter.trimmed().isEmpty() || shown == total)
            return tr("%1 (%2)").arg(label).arg(total);
        return tr("%1 (%2 of %3)").arg(label).arg(shown).arg(total);
    };
    m_savedSection->setText(0, sectionText(tr("Saved queries"), savedShown, savedCount));
    m_historySection->setText(0, sectionText(tr("History"), historyShown, historyCount));
    if (savedCount == 0 && filter.trimmed().isEmpty()) {
        auto *hint = new QTreeWidgetItem(m_savedSection, {tr("Ctrl+S saves the current request")});
        hint->setData(0, KindRole, SectionItem);
        hint->setFlags(Qt::ItemIsEnabled);
        hint->setForeground(0, palette().color(QPalette::PlaceholderText));
    }
    if (historyCount == 0 && filter.trimmed().isEmpty()) {
        auto *hint = new QTreeWidgetItem(m_historySection, {tr("Sent requests appear here")});
        hint->setData(0, KindRole, SectionItem);
        hint->setFlags(Qt::ItemIsEnabled);
        hint->setForeground(0, palette().color(QPalette::PlaceholderText));
    }
    m_savedSection->setExpanded(true);
    m_historySection->setExpanded(true);
    m_filling = false;
}

const HistoryEntry *HistoryPanel::entryFor(const QTreeWidgetItem *item) const
{
    if (!item || !m_store)
        return nullptr;
    const int kind = item->data(0, KindRole).toInt();
    const int index = item->data(0, IndexRole).toInt();
    const QList<HistoryEntry> &entries = kind == SavedItem ? m_store->savedQueries() : m_store->history();
    if (kind == SectionItem || index < 0 || index >= entries.size())
        return nullptr;
    return &entries.at(index);
}

void HistoryPanel::activate(QTreeWidgetItem *item)
{
    if (const HistoryEntry *entry = entryFor(item))
        Q_EMIT entryActivated(*entry);
}

void HistoryPanel::renameEdited(QTreeWidgetItem *item)
{
    if (m_filling || !item || item->data(0, KindRole).toInt() != SavedItem)
        return;
    const QString from = item->data(0, NameRole).toString();
    const QString to = item->text(0).trimmed();
    if (to == from)
        return;
    // The rename rebuilds the list, which deletes `item`: do it after the editor has closed.
    QMetaObject::invokeMethod(this, [this, from, to] { renameSavedQuery(from, to); }, Qt::QueuedConnection);
}

bool HistoryPanel::renameSavedQuery(const QString &from, const QString &to)
{
    if (!m_store)
        return false;
    QString error;
    const bool ok = m_store->renameSavedQuery(from, to, &error);
    refresh();
    if (!ok)
        Q_EMIT errorOccurred(error);
    return ok;
}

bool HistoryPanel::removeSavedQuery(const QString &name)
{
    if (!m_store)
        return false;
    QString error;
    const bool ok = m_store->removeSavedQuery(name, &error);
    refresh();
    if (!ok)
        Q_EMIT errorOccurred(error);
    return ok;
}

bool HistoryPanel::clearHistory()
{
    if (!m_store)
        return false;
    QString error;
    const bool ok = m_store->clearHistory(&error);
    refresh();
    if (!ok)
        Q_EMIT errorOccurred(error);
    return ok;
}

void HistoryPanel::confirmRemove(const QString &name)
{
    const auto answer = QMessageBox::question(this, tr("Delete saved query"),
                                              tr("Delete the saved query \"%1\"? This cannot be undone.").arg(name),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        removeSavedQuery(name);
}

void HistoryPanel::showContextMenu(const QPoint &position)
{
    QTreeWidgetItem *item = m_list->itemAt(position);
    if (!item)
        return;
    QMenu menu(this);
    const int kind = item->data(0, KindRole).toInt();
    if (kind != SectionItem) {
        menu.addAction(tr("Open in the editor"), this, [this, item] { activate(item); });
    }
    if (kind == SavedItem) {
        menu.addAction(tr("Rename"), this, [this, item] { m_list->editItem(item); });
        const QString name = item->data(0, NameRole).toString();
        menu.addAction(tr("Delete..."), this, [this, name] { confirmRemove(name); });
    }
    if (item == m_historySection || kind == HistoryItem) {
        menu.addSeparator();
        QAction *clear = menu.addAction(tr("Clear history..."), this, [this] {
            const auto answer = QMessageBox::question(this, tr("Clear history"),
                                                      tr("Remove every entry from this profile's history? Saved queries "
                                                         "stay."),
                                                      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
            if (answer == QMessageBox::Yes)
                clearHistory();
        });
        clear->setEnabled(m_store && !m_store->history().isEmpty());
    }
    if (!menu.isEmpty())
        menu.exec(m_list->viewport()->mapToGlobal(position));
}

bool HistoryPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto *key = static_cast<QKeyEvent *>(event);
    // Down in the filter box moves to the first entry shown, so the keyboard alone can pick one.
    if (watched == m_filter && key->key() == Qt::Key_Down) {
        for (QTreeWidgetItem *section : {m_savedSection, m_historySection}) {
            for (int i = 0; i < section->childCount(); ++i) {
                if (section->child(i)->flags() & Qt::ItemIsSelectable) {
                    m_list->setCurrentItem(section->child(i));
                    m_list->setFocus();
                    return true;
                }
            }
        }
    }
    if (watched == m_list && key->key() == Qt::Key_Delete) {
        QTreeWidgetItem *item = m_list->currentItem();
        if (item && item->data(0, KindRole).toInt() == SavedItem) {
            confirmRemove(item->data(0, NameRole).toString());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace afx::gui
