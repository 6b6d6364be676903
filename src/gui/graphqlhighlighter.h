#pragma once

#include <QList>
#include <QPalette>
#include <QSyntaxHighlighter>
#include <QTextBlockUserData>
#include <QTextCharFormat>

#include <array>

namespace afx::gui {

// The brackets of one text block that are code, not part of a string or comment. The
// highlighter records them so that the editor can match brackets without lexing again.
class GraphqlBlockData : public QTextBlockUserData {
public:
    struct Bracket {
        int position = 0; // in the block
        QChar character;
    };
    QList<Bracket> brackets;
};

// Highlights a GraphQL executable document by the role of each token, not only its shape.
// Keywords are coloured only where the grammar has them. The other roles are operation and
// fragment names, fields, aliases, arguments, type names (in variable definitions and after
// "on"), variables, directives, enum values, strings (block strings across lines), numbers,
// comments and invalid characters. The colours follow the palette, so call setPalette() again
// when it changes.
//
// The state of a block packs what the next line needs to know: whether it starts inside a
// block string, the selection-set and value nesting depths, and the kind of the last token.
class GraphqlSyntaxHighlighter : public QSyntaxHighlighter {
public:
    explicit GraphqlSyntaxHighlighter(QTextDocument *document);

    void setPalette(const QPalette &palette);
    static bool isDark(const QPalette &palette);

protected:
    void highlightBlock(const QString &text) override;

private:
    enum Role {
        Keyword,
        Definition,  // operation and fragment names where they are defined or spread
        Field,
        Alias,
        Argument,
        TypeName,
        Variable,
        Directive,
        EnumValue,
        String,
        Number,
        Comment,
        Invalid,
        RoleCount
    };

    std::array<QTextCharFormat, RoleCount> m_formats;
};

} // namespace afx::gui
