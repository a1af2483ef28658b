import BenchCore
import Foundation
import SenimCore
import SenimStore
import SenimTUI

/// The TUI through SenimTUI's public model / update / view API, painted into its canvas (no
/// terminal): the first dashboard after unlocking, then frames of the home and new-contact
/// screens (update + render), at a 120×40 terminal.
enum Dashboard {
    /// "Now" for the screens: a working afternoon near the end of the synthetic data, so the
    /// home screen has today's contacts, due referrals and stock alerts to show.
    static let now: Timestamp = BenchData.end - 86_400 * 2 + 15 * 3600
    static let utcOffset = 5 * 3600

    static func model(_ cfg: Configuration) -> Model {
        Model(config: cfg, language: .ru, initialUser: Fixtures.user, now: now, utcOffset: utcOffset, width: 120, height: 40)
    }

    /// As the application wires it: the model reads the session's ledger live (no copy kept).
    static func info(_ s: Session) -> SessionInfo {
        SessionInfo(user: s.user, role: s.role, point: s.point, source: LedgerSource { s.ledger }, notices: s.notices)
    }

    /// Unlocked message + render of the home screen. The unlock screen is painted first
    /// (untimed), as in the application, where it is on screen while the passphrase is typed.
    static func firstFrame(session s: Session, configuration cfg: Configuration) throws -> (wall: Double, cpu: Double)? {
        var m = model(cfg)
        _ = View.render(m)
        var canvas: Canvas?
        let t = timed {
            _ = Update.update(&m, .unlocked(info(s)))
            canvas = View.render(m)
        }
        if canvas == nil { throw BenchError("no canvas") }
        return t
    }

    static func frames(session s: Session, configuration cfg: Configuration, emit: (String, Double) -> Void) throws {
        var m = model(cfg)
        _ = Update.update(&m, .unlocked(info(s)))
        _ = View.render(m)
        // Home: a clock tick and a repaint, as every second while the screen is open.
        var home: [Double] = []
        for i in 0..<200 {
            home.append(seconds {
                _ = Update.update(&m, .tick(now + Timestamp(i)))
                _ = View.render(m)
            })
        }
        emit("frame_home_ms_median", Measure.percentile(home, 0.5) * 1e3)
        emit("frame_home_ms_p99", Measure.percentile(home, 0.99) * 1e3)

        // New contact: typing client codes (live matches) and deleting them again.
        _ = Update.update(&m, .key(.char("n")))
        guard m.screen == .contact else { throw BenchError("'n' did not open the new-contact screen") }
        var g = SystemRandomNumberGenerator()
        var codes = (0..<30).map { _ in s.ledger.clients.randomElement(using: &g)!.uic.code }
        // And new clients' codes: once complete, an unknown code is checked for near
        // duplicates among all the codes on every keystroke.
        let letters = Array("BCDFGHKLMNPRSTVZ")
        while codes.count < 40 {
            var c = Array(s.ledger.clients.randomElement(using: &g)!.uic.code)
            for i in 0..<min(4, c.count) { c[i] = letters.randomElement(using: &g)! }
            let code = String(c)
            if s.ledger.client(UIC(normalised: code)) == nil, cfg.uic.parse(code) != nil { codes.append(code) }
        }
        var typing: [Double] = []
        for code in codes {
            for ch in code {
                typing.append(seconds {
                    _ = Update.update(&m, .key(.char(ch)))
                    _ = View.render(m)
                })
            }
            for _ in code {
                typing.append(seconds {
                    _ = Update.update(&m, .key(.backspace))
                    _ = View.render(m)
                })
            }
        }
        emit("frame_contact_ms_median", Measure.percentile(typing, 0.5) * 1e3)
        emit("frame_contact_ms_p99", Measure.percentile(typing, 0.99) * 1e3)
    }

    /// TUI save → "Saved": a returning client's contact typed on the new-contact screen
    /// (F2, the code, Enter, pack 1, Enter — untimed), then what the application does once
    /// Enter is pressed: the draft becomes events (validation), `Session.save` (one journal
    /// frame, one fsync), the `.saved` message and the repaint. Median and p99 of `count`.
    static func saveToSaved(session s: Session, configuration cfg: Configuration, count: Int,
                            emit: (String, Double) -> Void) throws {
        var m = model(cfg)
        _ = Update.update(&m, .unlocked(info(s)))
        _ = View.render(m)
        let validator = Validator(cfg)
        let codes = s.ledger.clients.prefix(500).map(\.uic.code)
        var times: [Double] = []
        for i in 0..<count {
            var effects: [Effect] = []
            for k in [Key.function(2)] + codes[i % codes.count].map({ Key.char($0) }) + [.enter, .char("1"), .enter] {
                effects += Update.update(&m, .key(k))
            }
            guard let draft = effects.lazy.compactMap({ e -> Draft? in if case .save(let d) = e { d } else { nil } }).first else {
                throw BenchError("the contact form did not ask to save (screen \(m.screen))")
            }
            times.append(try seconds {
                let ctx = s.context(site: s.point)
                let events = try draft.events(validator: validator, ledger: s.ledger, ctx: ctx, seal: { _ in [] },
                                              fresh: { s.context(site: s.point) })
                try s.save(events)
                _ = Update.update(&m, .saved(draft))
                _ = View.render(m)
            })
        }
        emit("tui_save_ms_median", Measure.percentile(times, 0.5) * 1e3)
        emit("tui_save_ms_p99", Measure.percentile(times, 0.99) * 1e3)
    }
}
