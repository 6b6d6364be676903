#pragma once

#include <thread>

namespace afx::gui {

// Starts loading the fonts of the first frame on a second thread. The first text a Qt program
// measures took about 10 ms here (font matching, fallback lists, face loading). On a worker
// that overlaps with building the window, and the GUI thread finds most of the work in Qt's
// shared font caches. Call it once the application object exists, and let the returned thread
// go out of scope (it joins) before the application object is destroyed.
std::jthread startFontWarmUp();

} // namespace afx::gui
