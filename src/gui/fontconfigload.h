#pragma once

#include <thread>

namespace afx::gui {

// Starts reading the fontconfig configuration (about 50 XML files and the font cache, 2.5 ms
// here) on a second thread, so it overlaps with the set-up of the application object, which
// does not use fontconfig. Call it before the application object exists, and join the thread
// before the first widget measures text, so one thread alone initializes fontconfig. The
// thread is empty when the app is built without fontconfig.
std::jthread startFontConfigLoad();

} // namespace afx::gui
