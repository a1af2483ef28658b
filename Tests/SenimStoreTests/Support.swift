import Foundation
import SenimCore
import SenimTestSupport
@testable import SenimStore

/// Shared helpers for store tests: the repository's Config/, temporary directories, events.
enum TestSupport {
    static let configDirectory: URL = RepositoryConfig.directory

    static var packageRoot: URL { configDirectory.deletingLastPathComponent() }

    static let configuration: Configuration = try! ConfigFiles.load(from: configDirectory)

    static let point = "almaty-central"
    static let kdf = KDFParameters.testing

    /// scrypt memoised inside this test process: reopening thousands of times in
    /// fault-injection tests stays fast. Every store the tests open or create gets it.
    static let kdfMemo = KDFMemo()
    static let derivation = KeyDerivation { p, s, k in kdfMemo.derive(p, s, k) }

    /// A fresh empty directory under the system temp dir, removed by `cleanup`.
    static func tempDirectory(_ tag: String = "store") -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("senim-test-\(tag)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    static func cleanup(_ u: URL) { try? FileManager.default.removeItem(at: u) }

    /// Users of the template store: name, passphrase, role.
    static let users: [(String, String, Role)] = [
        ("aigerim", "correct horse", .coordinator), ("dana", "dana pass", .worker),
        ("gulnara", "psy one", .psychologist), ("marat", "psy two", .psychologist),
    ]

    /// One store made once per test process (each scrypt costs ~0.8 s in a debug build);
    /// tests copy it, so every later unlock hits the KDF memo.
    static let template: URL = {
        let dir = tempDirectory("template")
        let s = try! create(dir)
        // The test users know their passphrases: no one-time passphrases here.
        for (n, p, r) in users.dropFirst() { try! s.addUser(name: n, role: r, passphrase: p, oneTime: false) }
        s.close()
        // gulnara starts the notes key and grants it to marat, as psychologists do.
        let g = try! open(dir, user: "gulnara", passphrase: "psy one")
        _ = try! g.startNotesKey()
        try! g.grantNotes(to: "marat")
        g.close()
        atexit { TestSupport.cleanup(TestSupport.template) }
        return dir
    }()

    /// A copy of the template store in a fresh temp directory.
    static func freshStore() -> URL {
        let dir = tempDirectory()
        for name in try! FileManager.default.contentsOfDirectory(atPath: template.path) where name != "lock" {
            try! FileManager.default.copyItem(at: template.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        return dir
    }

    static let memoryPath = URL(fileURLWithPath: "/store")

    /// The template store inside a fresh in-memory file system, at /store.
    static func memoryStore() -> MemoryFileSystem {
        let fs = MemoryFileSystem()
        try! fs.load(from: template, as: memoryPath.path)
        return fs
    }

    static func create(_ dir: URL, user: String = "aigerim", passphrase: String = "correct horse",
                       fs: FileSystem = .real) throws -> Session {
        return try Session.create(at: dir, user: user, passphrase: passphrase, point: point,
                                  configuration: configuration, kdf: kdf, fileSystem: fs, derivation: TestSupport.derivation)
    }

    static func open(_ dir: URL, user: String = "aigerim", passphrase: String = "correct horse",
                     fs: FileSystem = .real) throws -> Session {
        return try Session.open(at: dir, user: user, passphrase: passphrase, configuration: configuration, fileSystem: fs, derivation: TestSupport.derivation)
    }

    /// A contact event by the session's user, with a note (for canaries) if given.
    static func contact(_ s: Session, n: Int, note: String? = nil, at: Timestamp? = nil) -> Event {
        var ctx = s.context()
        if let at { ctx.at = at }
        let code = "AB" + ["CD", "EF", "GH", "IJ"][n % 4] + "1" + String(format: "%02d", 60 + n % 40)
        return Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                     body: .contactLogged(Contact(client: UIC(normalised: code), type: "stationary",
                                                  items: [ItemQuantity(item: "syringe-2ml", quantity: Int32(1 + n % 50))],
                                                  note: note)))
    }
}


/// Remembers every key it derived (by passphrase, salt and parameters) and every salt it was
/// asked about, so tests can prove that a refused keys file never reaches the KDF.
/// `@unchecked Sendable`: the two tables are only touched under `lock`.
final class KDFMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [[UInt8]: [UInt8]] = [:]
    private var attempted = Set<[UInt8]>()

    func derive(_ p: [UInt8], _ s: [UInt8], _ k: KDFParameters) -> [UInt8]? {
        let id = p + [0] + s + [k.logN] + withUnsafeBytes(of: k.r) { Array($0) } + withUnsafeBytes(of: k.p) { Array($0) }
        lock.lock()
        attempted.insert(s)
        let hit = table[id]
        lock.unlock()
        if let hit { return hit }
        guard let key = KeyDerivation.scrypt.derive(p, salt: s, params: k) else { return nil }
        lock.lock(); table[id] = key; lock.unlock()
        return key
    }

    func wasAttempted(_ salt: [UInt8]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return attempted.contains(salt)
    }
}

/// The StoreError `body` throws (nil if it returns or throws something else). Avoids
/// non-exhaustive `catch` patterns, which crash the 6.3 compiler in some functions.
func storeError(_ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch let e as StoreError {
        return e
    } catch {
        return nil
    }
}
