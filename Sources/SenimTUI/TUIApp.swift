import Foundation
import SenimCore

/// The entry point `senim tui` and `senim demo` call.
public enum TUIApp {
    /// Runs the TUI until the user quits. Returns a process exit code (0 after a normal quit,
    /// 2 when there is no terminal, 129 when the terminal hung up). The terminal is restored
    /// on every path; SIGINT/SIGTERM/SIGHUP and crash signals restore it too, then end the
    /// process with the signal's usual status.
    ///
    /// - `unlock(user, passphrase)` opens the store; it is called on the unlock screen and
    ///   again after every lock. Throw a `Message` (or a `UserFacingError`) on a wrong
    ///   passphrase.
    /// - `writeFile(name, content)` writes an export as a new file and returns its path (the
    ///   composition root passes one that refuses the store folder and writes atomically).
    public static func run(configuration: Configuration, language: Language, initialUser: String?,
                           writeFile: @escaping (String, String) throws -> String = EffectRunner.writeNewFile,
                           unlock: @escaping (_ user: String, _ passphrase: String) throws -> any TUIBackend) -> Int32 {
        let env = ProcessInfo.processInfo.environment
        guard let term = Terminal() else {
            FileHandle.standardError.write(Data((configuration.strings.t("tui.noTerminal", language) + "\n").utf8))
            return 2
        }
        defer { term.end() }
        let clock: () -> Timestamp = { Timestamp(Date().timeIntervalSince1970) }
        let size = term.size
        var model = Model(config: configuration, language: language, initialUser: initialUser, now: clock(),
                          utcOffset: TimeZone.current.secondsFromGMT(), width: size.width, height: size.height,
                          noColor: !(env["NO_COLOR"] ?? "").isEmpty)
        if let m = env["SENIM_AUTOLOCK_MINUTES"].flatMap(Int.init), m > 0 { model.autoLockMinutes = m }
        // Slow effects (unlock, re-key, backup, verify, bundles) run on a job thread; curses stays here.
        let runner = EffectRunner(configuration: configuration, unlock: unlock, clock: clock, writeFile: writeFile, jobs: .background)
        defer { runner.shutdown() }
        var lastTick = model.now
        term.draw(View.render(model), colour: model.usesColour)
        // What a clock tick alone can change on screen: repaint only when it does (keeps an
        // idle old laptop idle).
        func tickVisible(_ m: Model) -> String {
            "\(m.isLocked)|\(Clock.time(m.now, m.utcOffset))|\(m.unlock.retryAt.map { max(0, $0 - m.now) } ?? -1)|\(m.today)|"
                + (m.busy.map { "\($0.frame)|\($0.done)/\($0.total)" } ?? "")
        }
        // While a job runs the loop turns every 20 ms, so that the job's end shows at once (an
        // unlock reaches the home screen up to 0.1 s sooner than with a 100 ms turn), but the
        // spinner still steps ten times a second: an idle turn ticks only every 100 ms.
        var lastSpin = DispatchTime.now().uptimeNanoseconds
        while !model.quitting {
            let visibleBefore = tickVisible(model)
            let input = term.read(milliseconds: runner.isBusy ? 20 : 250)
            var msgs: [Msg] = []
            switch input {
            case .key(let k)?: msgs.append(.key(k))
            case .resize(let w, let h)?: msgs.append(.resize(width: w, height: h))
            case nil:
                if term.hungUp {
                    // No terminal any more: close the store and leave.
                    runner.shutdown()
                    return 129
                }
            }
            let now = clock()
            let uptime = DispatchTime.now().uptimeNanoseconds
            let spin = !runner.isBusy || uptime &- lastSpin >= 100_000_000
            if now != lastTick || (msgs.isEmpty && spin) {
                lastTick = now
                lastSpin = uptime
                msgs.insert(.tick(now), at: 0)
            }
            let before: (Effect, Model) -> Void = { effect, current in
                switch effect {
                case .lock: term.wipe()
                case .unlock: term.draw(View.render(current), colour: current.usesColour)
                default: break
                }
            }
            for msg in msgs {
                runner.dispatch(&model, msg, before: before)
                if model.quitting { break }
            }
            // What the job thread reported (progress, its end) since the last turn.
            let jobNews = runner.poll(&model, before: before)
            if !model.quitting && (input != nil || jobNews || tickVisible(model) != visibleBefore) {
                term.draw(View.render(model), colour: model.usesColour)
            }
        }
        return 0
    }
}
