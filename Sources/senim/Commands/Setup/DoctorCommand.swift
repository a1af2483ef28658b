import ArgumentParser
import Foundation
import SenimCore
import SenimStore
#if canImport(Glibc)
import Glibc
#endif

/// `senim doctor`: what support staff ask first, checked in one go, each problem with its fix.
/// Reads only: it never creates the store, the lock file or anything else.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this computer's set-up (locale, terminal, configuration, store, lock) and say what to fix.",
        discussion: """
            Needs no passphrase and changes nothing. Each line starts with [ok], [!] (a warning) or \
            [x] (a problem), followed by what to do. Exit 0 when there is no problem (warnings \
            allowed), 1 otherwise.
            """)

    @OptionGroup var global: GlobalOptions

    enum Level: Int, Comparable {
        case ok, warning, problem
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var mark: String { ["[ok]", "[!] ", "[x] "][rawValue] }
    }

    struct Finding {
        var level: Level
        var text: Message
        var fix: Message?
        /// A second sentence (e.g. what is wrong with the configuration named in `text`).
        var detail: Message?

        init(level: Level, text: Message, fix: Message? = nil, detail: Message? = nil) {
            self.level = level
            self.text = text
            self.fix = fix
            self.detail = detail
        }
    }

    func run() throws {
        let env = Runtime.env
        // The configuration: report where it comes from and whether it loads; messages in the
        // user's language even when it does not (then the built-in strings speak).
        var findings: [Finding] = []
        let source = ConfigFiles.locate(explicit: global.config, environment: env)
        let loaded: Result<Configuration, Error> = Result { try ConfigFiles.load(source, builtIn: BuiltInConfig.files) }
        let strings: Strings
        switch loaded {
        case .success(let c): strings = c.strings
        case .failure: strings = (try? ConfigFiles.load(files: BuiltInConfig.files))?.strings ?? Strings(tables: [:])
        }
        let language = global.lang ?? Runtime.languageFromEnvironment()
        func t(_ m: Message) -> String { m.text(strings, language) }

        Out.line(t(Message("doctor.title", Senim.version, BuildInfo.commit)))
        findings += Self.locale(env)
        findings.append(Finding(level: .ok, text: Message("doctor.language", language.rawValue, Self.languageOrigin(env, global.lang))))
        findings += Self.terminal(env)
        findings += Self.configuration(source, loaded, env: env)
        findings += Self.store(explicit: global.store, env: env)

        for f in findings {
            Out.line(f.level.mark + " " + t(f.text) + (f.detail.map { " " + t($0) } ?? ""))
            if let fix = f.fix { Out.line("     " + t(Message("doctor.fix", t(fix)))) }
        }
        let problems = findings.filter { $0.level == .problem }.count
        let warnings = findings.filter { $0.level == .warning }.count
        Out.line(problems + warnings == 0 ? t(Message("doctor.summary.ok"))
                 : t(Message("doctor.summary.problems", String(problems), String(warnings))))
        if problems > 0 { throw ExitCode(1) }
    }

    // MARK: Locale

    static func locale(_ env: [String: String]) -> [Finding] {
        let name = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { env[$0] }.first { !$0.isEmpty }
        guard let name else {
            return [Finding(level: .warning, text: Message("doctor.locale.none"), fix: Message("doctor.locale.fixSet"))]
        }
        // setlocale with "" reads the same variables; glibc returns nil when the locale is not installed.
        let previous = setlocale(LC_ALL, nil).map { String(cString: $0) }
        defer { if let previous { setlocale(LC_ALL, previous) } }
        guard setlocale(LC_ALL, "") != nil else {
            return [Finding(level: .warning, text: Message("doctor.locale.missing", name), fix: Message("doctor.locale.fixInstall", name))]
        }
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        guard codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8" else {
            return [Finding(level: .warning, text: Message("doctor.locale.notUTF8", name, codeset), fix: Message("doctor.locale.fixSet"))]
        }
        return [Finding(level: .ok, text: Message("doctor.locale.ok", name))]
    }

    static func languageOrigin(_ env: [String: String], _ option: Language?) -> String {
        if option != nil { return "--lang" }
        for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let v = env[k], !v.isEmpty, v != "C", v != "POSIX" { return "\(k)=\(v)" }
        }
        return "-"
    }

    // MARK: Terminal

    static func terminal(_ env: [String: String]) -> [Finding] {
        var out: [Finding] = []
        if let term = env["TERM"], !term.isEmpty, term != "dumb" {
            switch colours(term: term) {
            case .none:
                out.append(Finding(level: .warning, text: Message("doctor.term.unknown", term), fix: Message("doctor.term.fixTerm")))
            case .some(let n) where n < 8:
                out.append(Finding(level: .warning, text: Message("doctor.term.mono", term), fix: Message("doctor.term.fixTerm")))
            case .some(let n):
                out.append(Finding(level: .ok, text: Message("doctor.term.ok", term, String(n))))
            }
            if !(env["NO_COLOR"] ?? "").isEmpty { out.append(Finding(level: .ok, text: Message("doctor.term.noColor"))) }
        } else {
            out.append(Finding(level: .warning, text: Message("doctor.term.none", env["TERM"] ?? ""), fix: Message("doctor.term.fixTerm")))
        }
        var ws = winsize()
        let fd = open("/dev/tty", O_RDONLY | O_NOCTTY)
        if fd >= 0, withUnsafeMutablePointer(to: &ws, { ioctl(fd, UInt(TIOCGWINSZ), $0) }) == 0, ws.ws_col > 0 {
            let size = [String(ws.ws_col), String(ws.ws_row)]
            out.append(ws.ws_col >= 80 && ws.ws_row >= 24
                       ? Finding(level: .ok, text: Message("doctor.size.ok", size[0], size[1]))
                       : Finding(level: .warning, text: Message("doctor.size.small", size[0], size[1]), fix: Message("doctor.size.fix")))
        } else {
            out.append(Finding(level: .warning, text: Message("doctor.size.none")))
        }
        if fd >= 0 { close(fd) }
        return out
    }

    /// The colours terminfo gives `term` (`tput colors`; ncurses-bin is essential on Debian), or
    /// nil when the terminal is not in the database. A terminal without colours gives -1 → 0.
    static func colours(term: String) -> Int? {
        let tput = ["/usr/bin/tput", "/bin/tput"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tput else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tput)
        p.arguments = ["-T", term, "colors"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile().prefix(32)
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let n = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return max(0, n)
    }

    // MARK: Configuration

    static func configuration(_ source: ConfigFiles.Source, _ loaded: Result<Configuration, Error>,
                              env: [String: String]) -> [Finding] {
        var out: [Finding] = []
        let origin: Message
        switch source {
        case .option(let u): origin = Message("doctor.config.option", u.path)
        case .environment(let u): origin = Message("doctor.config.environment", u.path)
        case .system(let u): origin = Message("doctor.config.system", u.path)
        case .builtIn: origin = Message("doctor.config.builtIn")
        }
        switch loaded {
        case .success(let c):
            out.append(Finding(level: .ok, text: origin, detail: Message(
                "doctor.config.counts", String(c.catalogue.items.count), String(c.catalogue.services.count),
                String(c.points.points.count))))
        case .failure(let e):
            let detail = (e as? ConfigError).map { "\($0)" } ?? "\(e)"
            out.append(Finding(level: .problem, text: origin, fix: Message("doctor.config.fix"),
                               detail: Message("doctor.config.bad", detail)))
        }
        if source == .builtIn, FileManager.default.fileExists(atPath: ConfigFiles.systemDirectory) {
            out.append(Finding(level: .warning, text: Message("doctor.config.systemIgnored", ConfigFiles.systemDirectory),
                               fix: Message("doctor.config.fixSystem", ConfigFiles.systemDirectory)))
        }
        return out
    }

    // MARK: Store and lock

    static func storeOrigin(explicit: String?, env: [String: String]) -> String {
        if let s = explicit, !s.isEmpty { return "--store" }
        if let s = env["SENIM_STORE"], !s.isEmpty { return "SENIM_STORE" }
        if let x = env["XDG_DATA_HOME"], !x.isEmpty { return "XDG_DATA_HOME" }
        return "HOME"
    }

    static func store(explicit: String?, env: [String: String]) -> [Finding] {
        let path = Runtime.storePath(explicit: explicit)
        let fm = FileManager.default
        var out: [Finding] = [Finding(level: .ok, text: Message("doctor.store.path", path, storeOrigin(explicit: explicit, env: env)))]
        var st = stat()
        guard lstat(path, &st) == 0 else {
            out[0] = Finding(level: .warning, text: Message("doctor.store.none", path), fix: Message("doctor.store.fixInit"))
            return out
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            out.append(Finding(level: .problem, text: Message("doctor.store.notDir", path), fix: Message("doctor.store.fixPath")))
            return out
        }
        guard StoreBridge.exists(at: URL(fileURLWithPath: path)) else {
            out[0] = Finding(level: .warning, text: Message("doctor.store.none", path), fix: Message("doctor.store.fixInit"))
            return out
        }
        let uid = getuid()
        if st.st_uid != uid {
            out.append(Finding(level: .problem, text: Message("doctor.store.owner", path, String(st.st_uid), String(uid)),
                               fix: Message("doctor.store.fixOwner", path)))
        }
        let mode = st.st_mode & 0o777
        if mode != 0o700 {
            out.append(Finding(level: .problem, text: Message("doctor.store.mode", path, String(mode, radix: 8)),
                               fix: Message("doctor.store.fixMode", "700", path)))
        }
        if access(path, W_OK) != 0 {
            out.append(Finding(level: .problem, text: Message("doctor.store.notWritable", path), fix: Message("doctor.store.fixOwner", path)))
        }
        let names = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
        for name in names {
            let file = path + "/" + name
            var fs = stat()
            guard lstat(file, &fs) == 0, (fs.st_mode & S_IFMT) == S_IFREG else { continue }
            if fs.st_mode & 0o077 != 0 {
                out.append(Finding(level: .problem, text: Message("doctor.store.fileMode", file, String(fs.st_mode & 0o777, radix: 8)),
                                   fix: Message("doctor.store.fixMode", "600", file)))
            }
            if fs.st_uid != uid {
                out.append(Finding(level: .problem, text: Message("doctor.store.owner", file, String(fs.st_uid), String(uid)),
                                   fix: Message("doctor.store.fixOwner", path)))
            }
        }
        var vfs = statvfs()
        if statvfs(path, &vfs) == 0 {
            let freeMB = UInt64(vfs.f_bavail) * UInt64(vfs.f_frsize) / 1_048_576
            if freeMB < 200 {
                out.append(Finding(level: .warning, text: Message("doctor.store.space", String(freeMB)), fix: Message("doctor.store.fixSpace")))
            }
        }
        // The lock: open the existing lock file read-only (never create it) and try the same
        // flock the store takes; released at once by closing.
        let lockPath = path + "/lock"
        if fm.fileExists(atPath: lockPath) {
            let ops = RealFileOperations()
            do {
                let fd = try ops.open(lockPath, .readOnly)
                defer { ops.close(fd) }
                switch try ops.lock(fd, path: lockPath) {
                case .acquired:
                    out.append(Finding(level: .ok, text: Message("doctor.lock.free")))
                case .busy(let pid):
                    out.append(Finding(level: .warning, text: Message("doctor.lock.busy", pid.map(String.init) ?? "?"),
                                       fix: Message("doctor.lock.fix")))
                }
            } catch {
                out.append(Finding(level: .problem, text: Message("doctor.lock.error", lockPath, "\(error)"), fix: Message("doctor.store.fixOwner", path)))
            }
        } else {
            out.append(Finding(level: .ok, text: Message("doctor.lock.free")))
        }
        return out
    }
}
