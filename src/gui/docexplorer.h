#pragma once

#include "graphql/completion.h"
#include "graphql/schema.h"

#include <QList>
#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QTextBrowser;
class QToolButton;
class QUrl;

namespace afx::gui {

// Browses the documentation of a GraphQL schema the way GraphiQL's documentation explorer
// does: the root types first, then any type with its kind, description, fields (arguments and
// return types as links), enum values, input fields, interfaces and possible types, and any
// field with its arguments. Back returns to the previous page; the search box filters types
// and fields by name.
//
// Every text in the pages comes from the server's introspection response, so it is escaped
// before it becomes HTML, and the pages load no resources.
class DocExplorer : public QWidget {
    Q_OBJECT

public:
    explicit DocExplorer(QWidget *parent = nullptr);

    // Shows the root types of `schema` and clears the history. A null schema shows the empty state.
    void setSchema(std::shared_ptr<const graphql::Schema> schema);
    std::shared_ptr<const graphql::Schema> schema() const { return m_schema; }

    // The text shown while no schema is loaded. It should name the action that loads one.
    void setPlaceholderText(const QString &text);

    // The page of the reference's field (scrolled to its argument) or of its type.
    void showReference(const graphql::SchemaReference &reference);
    void showType(const QString &name);
    void showField(const QString &typeName, const QString &fieldName);
    void showRoot();

    bool canGoBack() const { return !m_history.isEmpty(); }
    // The heading of the page shown, such as "Query" or "Query.todos".
    QString currentTitle() const;

public Q_SLOTS:
    void back();

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Page {
        enum class Kind { Root, Type, Field };
        Kind kind = Kind::Root;
        QString typeName;
        QString fieldName;
        QString anchor; // an argument to scroll to
    };

    void navigate(const Page &page);
    void render();
    void openLink(const QUrl &url);

    QString rootHtml() const;
    QString typeHtml(const QString &name) const;
    QString fieldHtml(const QString &typeName, const QString &fieldName) const;
    QString searchHtml(const QString &query) const;

    std::shared_ptr<const graphql::Schema> m_schema;
    Page m_page;
    QList<Page> m_history;
    QString m_placeholder;

    QToolButton *m_back = nullptr;
    QLabel *m_title = nullptr;
    QLineEdit *m_search = nullptr;
    QTextBrowser *m_browser = nullptr;
};

} // namespace afx::gui
