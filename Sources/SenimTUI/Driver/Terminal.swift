import CNcursesw
import Foundation

/// The only code that talks to ncursesw. One thread; created once per run.
///
/// - `setlocale` before `initscr` so UTF-8 works; the alternate screen (smcup/rmcup) keeps
///   nothing in the scrollback after exit.
/// - `raw` mode: Ctrl-C, Ctrl-Z and flow-control keys arrive as keys (the app maps Ctrl-C to
///   quit and ignores Ctrl-Z, so an unlocked session is never left suspended in the background).
/// - The terminal is restored by `end()`, by an atexit hook, and by signal handlers for
///   SIGINT/SIGTERM/SIGHUP/SIGQUIT and crash signals (see shim.h).
final class Terminal {
    enum Input {
        case key(Key)
        case resize(width: Int, height: Int)
    }

    private let win: UnsafeMutablePointer<WINDOW>
    private let hasColour: Bool
    private var pairs: [Look: Int16] = [:]
    private var lastCursorVisible = -1

    /// The user's locale if it exists and is UTF-8; otherwise C.UTF-8, so Cyrillic and Kazakh
    /// still draw when LANG names a locale this machine lacks (e.g. kk_KZ.UTF-8 not generated).
    static func setUTF8Locale() {
        if setlocale(LC_ALL, "") != nil, let cs = nl_langinfo(nl_item(CODESET)), String(cString: cs) == "UTF-8" { return }
        if setlocale(LC_ALL, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "C.UTF-8") }
    }

    /// Starts curses, or returns nil when there is no usable terminal.
    init?() {
        Terminal.setUTF8Locale()
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        senim_install_handlers()
        guard let w = initscr() else { return nil }
        senim_set_active(1)
        win = w
        raw()
        noecho()
        nonl()
        keypad(w, true)
        set_escdelay(25)
        if has_colors() {
            start_color()
            use_default_colors()
            hasColour = true
        } else {
            hasColour = false
        }
        curs_set(0)
    }

    /// Whether the terminal went away (hang-up, closed pty): then reads fail at once forever.
    var hungUp: Bool {
        var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) >= 0 else { return false }
        return p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    var size: (width: Int, height: Int) {
        (Int(senim_getmaxx(win)), Int(senim_getmaxy(win)))
    }

    /// Waits up to `milliseconds` for a key or a resize.
    func read(milliseconds: Int32) -> Input? {
        // Once a signal handler has restored the terminal (a crash on the job thread, say), no
        // curses call may follow: it would put the terminal back into raw mode (see shim.h).
        guard senim_enter_curses() != 0 else {
            usleep(UInt32(milliseconds) * 1000)
            return nil
        }
        defer { senim_leave_curses() }
        wtimeout(win, milliseconds)
        var ch: wint_t = 0
        let r = senim_get_wch(win, &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            let code = Int32(ch)
            if code == KEY_RESIZE { return .resize(width: size.width, height: size.height) }
            return special(code).map(Input.key)
        }
        return character(UInt32(ch)).map(Input.key)
    }

    private func special(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        default:
            for n in 1...12 where code == senim_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    private func character(_ v: UInt32) -> Key? {
        switch v {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(v + 96)!))
        case 0, 28...31: return nil
        default:
            guard let s = Unicode.Scalar(v) else { return nil }
            return .char(Character(s))
        }
    }

    /// Paints a canvas. Every cell is placed at its own column, so the screen matches the
    /// canvas even where the C library's idea of a character's width differs.
    func draw(_ c: Canvas, colour: Bool) {
        guard senim_enter_curses() != 0 else { return }
        defer { senim_leave_curses() }
        for y in 0..<min(c.height, Int(senim_getmaxy(win))) {
            for x in 0..<min(c.width, Int(senim_getmaxx(win))) {
                let cell = c[x, y]
                if cell.isContinuation { continue }
                // The bottom-right cell scrolls some terminals: skip it.
                if y == c.height - 1 && x == c.width - 1 { continue }
                apply(Theme.look(cell.attr, colour: colour && hasColour))
                var w: [wchar_t] = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                if w.isEmpty { w = [32] }
                w.append(0)
                _ = senim_put(win, Int32(y), Int32(x), w, Int32(w.count - 1))
            }
        }
        if let cur = c.cursor {
            setCursor(visible: true)
            wmove(win, Int32(cur.y), Int32(cur.x))
        } else {
            setCursor(visible: false)
        }
        wrefresh(win)
    }

    private func setCursor(visible: Bool) {
        let v = visible ? 1 : 0
        if v != lastCursorVisible {
            curs_set(Int32(v))
            lastCursorVisible = v
        }
    }

    private func apply(_ look: Look) {
        var a = senim_a_normal()
        if look.bold { a |= senim_a_bold() }
        if look.underline { a |= senim_a_underline() }
        if look.reverse { a |= senim_a_reverse() }
        if look.dim { a |= senim_a_dim() }
        var pair: Int16 = 0
        if hasColour, look.fg >= 0 || look.bg >= 0 {
            let key = Look(fg: look.fg, bg: look.bg)
            if let p = pairs[key] {
                pair = p
            } else if pairs.count + 1 < Int(senim_color_pairs()) {
                pair = Int16(pairs.count + 1)
                init_pair(pair, look.fg, look.bg)
                pairs[key] = pair
            }
        }
        _ = senim_attr_set(win, a, pair)
    }

    /// Wipes the physical screen (the panic key): the next refresh repaints from nothing.
    func wipe() {
        guard senim_enter_curses() != 0 else { return }
        defer { senim_leave_curses() }
        _ = senim_attr_set(win, senim_a_normal(), 0)
        werase(win)
        wclear(win)
        wrefresh(win)
    }

    /// Leaves curses: the terminal gets its modes and its normal screen back.
    func end() {
        wipe()
        senim_restore_now()
    }
}
