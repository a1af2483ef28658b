// A helper process for the store's crash tests (not installed, not for users).
//
//   senim-store-torture append <store> <config> <user>   saves events forever; prints each
//                                                         event id on stdout after save returns
//   senim-store-torture hold <store> <config> <user>     opens the store, prints "locked <pid>",
//                                                         then waits to be killed
//   senim-store-torture measure <new store> <config> <user>
//                                                         creates a store with the default KDF
//                                                         parameters and prints what unlocking
//                                                         and one durable save cost here
//
// The passphrase is read from the first line of stdin. In debug builds a second stdin line
// may carry the hex of the already derived slot key, so that hundreds of test cycles do not
// each pay for scrypt in an unoptimised build (the test computed it with the same passphrase).
#if DEBUG
@testable import SenimStore
#else
import SenimStore
#endif
import Foundation
import SenimCore

/// One unbuffered write per line: what the parent reads is exactly what was acknowledged.
func emit(_ line: String) {
    let b = Array((line + "\n").utf8)
    var done = 0
    while done < b.count {
        let n = b.withUnsafeBytes { write(1, $0.baseAddress! + done, b.count - done) }
        if n <= 0 { exit(3) }
        done += n
    }
}

func fail(_ s: String) -> Never {
    FileHandle.standardError.write(Data((s + "\n").utf8))
    exit(2)
}

let args = CommandLine.arguments
guard args.count == 5 else { fail("usage: senim-store-torture append|hold <store> <config> <user>") }
let mode = args[1]
let store = URL(fileURLWithPath: args[2])
guard let passphrase = readLine(strippingNewline: true) else { fail("no passphrase on stdin") }
/// The key the parent test derived is reused (a real scrypt otherwise): the crash tests start
/// this helper hundreds of times.
var derivation = KeyDerivation.scrypt
#if DEBUG
if let hex = readLine(strippingNewline: true), hex.count == 64 + 64 + 20 {
    // salt hex (64) · key hex (64) · logN r p as "LL:RRRRRRRR:PPPPPPPP"
    func bytes(_ s: Substring) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }
    let salt = bytes(hex.prefix(64))
    let key = bytes(hex.dropFirst(64).prefix(64))
    let p = hex.suffix(20).split(separator: ":")
    let params = KDFParameters(logN: UInt8(p[0], radix: 16)!, r: UInt32(p[1], radix: 16)!, p: UInt32(p[2], radix: 16)!)
    let known = Array(passphrase.precomposedStringWithCanonicalMapping.utf8)
    derivation = KeyDerivation { p, s, k in
        p == known && s == salt && k == params ? key : KeyDerivation.scrypt.derive(p, salt: s, params: k)
    }
}
#endif

let configuration: Configuration
do { configuration = try ConfigFiles.load(from: URL(fileURLWithPath: args[3])) } catch { fail("config: \(error)") }

if mode == "measure" {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
    }
    func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }
    do {
        var created: Session?
        let c = try seconds {
            created = try Session.create(at: store, user: args[4], passphrase: passphrase, point: configuration.points.points[0].id,
                                         configuration: configuration, kdf: .default)
        }
        created?.close()
        var unlocks: [Double] = []
        var session: Session?
        for _ in 0..<3 {
            session?.close()
            unlocks.append(try seconds { session = try Session.open(at: store, user: args[4], passphrase: passphrase, configuration: configuration) })
        }
        guard let s = session else { fail("no session") }
        var saves: [Double] = []
        for i in 0..<200 {
            let ctx = s.context()
            let e = Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                          body: .contactLogged(Contact(client: UIC(normalised: "ABCD190"), type: "stationary",
                                                       items: [ItemQuantity(item: "syringe-2ml", quantity: Int32(1 + i % 20))])))
            saves.append(try seconds { try s.save([e]) })
        }
        saves.sort()
        let compactTime = try seconds { try s.compact() }
        s.close()
        #if DEBUG
        let build = "debug build (unoptimised crypto: use swift build -c release for real numbers)"
        #else
        let build = "release build"
        #endif
        emit("senim store costs on this machine, \(build)")
        emit("  create (one scrypt, \(KDFParameters.default)): \(ms(c))")
        emit("  unlock (open: scrypt + keyslots + load), 3 runs: " + unlocks.map(ms).joined(separator: ", "))
        emit("  durable save of one event (encrypt + write + fdatasync), 200 runs: median \(ms(saves[100])), p90 \(ms(saves[180])), max \(ms(saves[199]))")
        emit("  compaction of 201 events: \(ms(compactTime))")
        exit(0)
    } catch {
        fail("measure: \(error)")
    }
}

let session: Session
do {
    session = try Session.open(at: store, user: args[4], passphrase: passphrase, configuration: configuration,
                               derivation: derivation)
} catch {
    fail("open: \(error)")
}

switch mode {
case "hold":
    emit("locked \(getpid())")
    while true { sleep(60) }
case "append":
    emit("ready")
    var g = SystemRandomNumberGenerator()
    var n = 0
    while true {
        let count = Int.random(in: 1...3, using: &g)
        var events: [Event] = []
        for _ in 0..<count {
            let ctx = session.context()
            n += 1
            events.append(Event(id: ctx.id, at: ctx.at, author: ctx.author, device: ctx.device, site: ctx.site,
                                body: .contactLogged(Contact(client: UIC(normalised: "ABCD1" + String(70 + n % 20)), type: "stationary",
                                                             items: [ItemQuantity(item: "syringe-2ml", quantity: Int32(1 + n % 90))]))))
        }
        do { try session.save(events) } catch { fail("save: \(error)") }
        for e in events { emit(e.id.description) }
    }
default:
    fail("unknown mode \(mode)")
}
