#ifndef SENIM_CNCURSESW_SHIM_H
#define SENIM_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags, so the wide-character switches live here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <unistd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <ncursesw/curses.h>

// Macros Swift cannot import, as static inline functions.
static inline attr_t senim_a_normal(void) { return A_NORMAL; }
static inline attr_t senim_a_bold(void) { return A_BOLD; }
static inline attr_t senim_a_underline(void) { return A_UNDERLINE; }
static inline attr_t senim_a_reverse(void) { return A_REVERSE; }
static inline attr_t senim_a_dim(void) { return A_DIM; }
static inline int senim_key_f(int n) { return KEY_F(n); }
static inline int senim_color_pairs(void) { return COLOR_PAIRS; }
static inline int senim_getmaxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int senim_getmaxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }
static inline int senim_attr_set(WINDOW *w, attr_t a, short pair) { return wattr_set(w, a, pair, NULL); }
static inline int senim_put(WINDOW *w, int y, int x, const wchar_t *s, int n) { return mvwaddnwstr(w, y, x, s, n); }
static inline int senim_get_wch(WINDOW *w, wint_t *ch) { return wget_wch(w, ch); }

// Terminal restoration on signals and crashes. endwin() is not formally async-signal-safe,
// but leaving the terminal in raw mode on the alternate screen is worse; the handler runs
// once, restores the terminal, then lets the signal take its default course.
static inline volatile sig_atomic_t *senim_curses_active(void) {
    static volatile sig_atomic_t active = 0;
    return &active;
}
static inline void senim_set_active(int on) { *senim_curses_active() = on; atomic_thread_fence(memory_order_seq_cst); }

// Curses is called from the UI thread only, but a crash (or a signal) may arrive on the job
// thread while the UI thread is inside a curses call. The UI thread marks each call
// (senim_enter_curses / senim_leave_curses); a handler on another thread first stops new calls,
// then waits (at most a second: the UI thread's reads time out in 100 ms) for the call in
// progress to end before endwin(), so that nothing puts the terminal back into raw mode.
static inline atomic_int *senim_in_curses(void) {
    static atomic_int inside = 0;
    return &inside;
}
static inline pthread_t *senim_ui_thread(void) {
    static pthread_t ui;
    return &ui;
}
static inline int senim_enter_curses(void) {
    atomic_store(senim_in_curses(), 1);
    if (!*senim_curses_active()) { atomic_store(senim_in_curses(), 0); return 0; }
    return 1;
}
static inline void senim_leave_curses(void) { atomic_store(senim_in_curses(), 0); }

static void senim_restore_terminal(void) {
    if (*senim_curses_active()) {
        *senim_curses_active() = 0;
        atomic_thread_fence(memory_order_seq_cst);
        if (!pthread_equal(pthread_self(), *senim_ui_thread())) {
            for (int i = 0; i < 200 && atomic_load(senim_in_curses()); i++) usleep(5000);
        }
        endwin();
    }
}

#define SENIM_MAX_SIGNAL 65
// Storage as a function-local static: Swift's importer emits these, not file-scope arrays.
static inline struct sigaction *senim_previous(void) {
    static struct sigaction previous[SENIM_MAX_SIGNAL];
    return previous;
}

// Restores the terminal, then hands the signal to whoever handled it before us (the default
// action, or the Swift runtime's crash backtracer, which then prints to a sane terminal).
static void senim_signal_handler(int sig) {
    senim_restore_terminal();
    if (sig > 0 && sig < SENIM_MAX_SIGNAL) sigaction(sig, &senim_previous()[sig], NULL);
    else signal(sig, SIG_DFL);
    raise(sig);
}

static inline void senim_install_handlers(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    *senim_ui_thread() = pthread_self();
    atexit(senim_restore_terminal);
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    // A parent may have started us with these signals blocked (a blocked SIGTERM would make
    // the TUI unkillable short of SIGKILL): unblock them.
    sigset_t set;
    sigemptyset(&set);
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) sigaddset(&set, sigs[i]);
    sigaddset(&set, SIGWINCH);   // ncurses learns of resizes through it
    sigaddset(&set, SIGCONT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        sa.sa_handler = senim_signal_handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;
        sigaction(sigs[i], &sa, &senim_previous()[sigs[i]]);
    }
}

static inline void senim_restore_now(void) { senim_restore_terminal(); }
#endif
