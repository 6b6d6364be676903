#pragma once

#include <QWidget>

#include <functional>

namespace afx::gui {

// Runs `work` once, in the event loop pass after `widget` first painted itself, so that slow
// start-up work cannot keep the first frame off the screen.
void runAfterFirstPaint(QWidget *widget, std::function<void()> work);

} // namespace afx::gui
