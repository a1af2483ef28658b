import BenchCore
import SenimCore

/// The SQLite side: the same rows as the ledger, in the schema a conventional SQLite
/// application would use (WAL, synchronous=FULL, indexes for the report's ranges and joins).
enum Relational {
    static let schema = """
        PRAGMA journal_mode=WAL;
        PRAGMA synchronous=FULL;
        CREATE TABLE sites(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, ns INTEGER NOT NULL, naloxone INTEGER NOT NULL);
        CREATE TABLE clients(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, first_seen INTEGER NOT NULL,
                             first_site INTEGER NOT NULL, canonical INTEGER NOT NULL);
        CREATE TABLE contacts(id INTEGER PRIMARY KEY, uid BLOB NOT NULL UNIQUE, at INTEGER NOT NULL, client INTEGER NOT NULL,
                              site INTEGER NOT NULL, worker INTEGER NOT NULL, type INTEGER NOT NULL, overdose INTEGER, note TEXT);
        CREATE INDEX contacts_at ON contacts(at);
        CREATE TABLE contact_items(contact INTEGER NOT NULL, item INTEGER NOT NULL, quantity INTEGER NOT NULL);
        CREATE INDEX contact_items_cover ON contact_items(contact, item, quantity);
        CREATE TABLE contact_services(contact INTEGER NOT NULL, service INTEGER NOT NULL);
        CREATE INDEX contact_services_contact ON contact_services(contact);
        CREATE TABLE movements(uid BLOB NOT NULL, at INTEGER NOT NULL, site INTEGER NOT NULL, item INTEGER NOT NULL,
                               kind INTEGER NOT NULL, delta INTEGER NOT NULL);
        CREATE INDEX movements_at ON movements(at);
        CREATE TABLE stock(site INTEGER NOT NULL, item INTEGER NOT NULL, level INTEGER NOT NULL, PRIMARY KEY(site, item));
        CREATE TABLE referrals(uid BLOB PRIMARY KEY, client INTEGER, service TEXT NOT NULL, site TEXT NOT NULL,
                               issued_at INTEGER NOT NULL, status TEXT NOT NULL, status_at INTEGER NOT NULL);
        CREATE INDEX referrals_issued ON referrals(issued_at);
        """

    static func uid(_ id: EventID) -> [UInt8] {
        withUnsafeBytes(of: (id.high.bigEndian, id.low.bigEndian)) { Array($0) }
    }

    /// Writes every row of `s` into a new database at `path`.
    static func build(path: String, from s: LedgerState, configuration cfg: Configuration) throws {
        let db = try SQLite(path: path)
        try db.exec(schema)
        try db.exec("BEGIN")
        let site = try db.prepare("INSERT INTO sites VALUES (?1, ?2)")
        for (i, n) in s.sites.names.enumerated() { site.bind(1, Int64(i)); site.bind(2, n); try site.run() }
        let nalox = Set(cfg.reporting.naloxoneItems)
        let item = try db.prepare("INSERT INTO items VALUES (?1, ?2, ?3, ?4)")
        for (i, n) in s.items.names.enumerated() {
            item.bind(1, Int64(i)); item.bind(2, n)
            item.bind(3, cfg.catalogue.item(n)?.isNeedleOrSyringe == true ? 1 : 0)
            item.bind(4, nalox.contains(n) ? 1 : 0)
            try item.run()
        }
        let client = try db.prepare("INSERT INTO clients VALUES (?1, ?2, ?3, ?4, ?5)")
        for (i, c) in s.clients.enumerated() {
            client.bind(1, Int64(i)); client.bind(2, c.uic.code); client.bind(3, c.firstSeen)
            client.bind(4, Int64(c.firstSite)); client.bind(5, Int64(s.canonical(Int32(i))))
            try client.run()
        }
        let contact = try db.prepare("INSERT INTO contacts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        let line = try db.prepare("INSERT INTO contact_items VALUES (?1, ?2, ?3)")
        let service = try db.prepare("INSERT INTO contact_services VALUES (?1, ?2)")
        for (k, c) in s.contacts.enumerated() {
            contact.bind(1, Int64(k)); contact.bind(2, blob: uid(c.id)); contact.bind(3, c.at)
            contact.bind(4, Int64(c.client)); contact.bind(5, Int64(c.site)); contact.bind(6, Int64(c.worker))
            contact.bind(7, Int64(c.type))
            if c.overdose >= 0 { contact.bind(8, Int64(c.overdose)) } else { contact.bindNull(8) }
            if let n = s.contactNotes[Int32(k)] { contact.bind(9, n) } else { contact.bindNull(9) }
            try contact.run()
            for l in s.lines(of: c) {
                line.bind(1, Int64(k)); line.bind(2, Int64(l.item)); line.bind(3, Int64(l.quantity))
                try line.run()
            }
            for sv in s.services(of: c) {
                service.bind(1, Int64(k)); service.bind(2, Int64(sv))
                try service.run()
            }
        }
        let movement = try db.prepare("INSERT INTO movements VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        let kinds = MovementKind.allCases
        for m in s.movements {
            movement.bind(1, blob: uid(m.id)); movement.bind(2, m.at); movement.bind(3, Int64(m.site))
            movement.bind(4, Int64(m.item)); movement.bind(5, Int64(kinds.firstIndex(of: m.kind)!)); movement.bind(6, m.delta)
            try movement.run()
        }
        let stock = try db.prepare("INSERT INTO stock VALUES (?1, ?2, ?3)")
        for (k, v) in s.stock {
            stock.bind(1, Int64(k.site)); stock.bind(2, Int64(k.item)); stock.bind(3, v.level)
            try stock.run()
        }
        let referral = try db.prepare("INSERT INTO referrals VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        for r in s.referralList {
            referral.bind(1, blob: uid(r.id))
            if let c = s.clientIndex[r.client] { referral.bind(2, Int64(c)) } else { referral.bindNull(2) }
            referral.bind(3, r.service); referral.bind(4, r.site); referral.bind(5, r.issuedAt)
            referral.bind(6, r.status.rawValue); referral.bind(7, r.statusAt)
            try referral.run()
        }
        try db.exec("COMMIT")
        try db.exec("ANALYZE")
    }

    /// The year report's figures as GROUP BY queries (what `Reports.compute` works out for
    /// all points, no disaggregation). Returns a checksum so nothing is optimised away.
    static func yearReport(_ db: SQLite, start: Timestamp, end: Timestamp, windows: Int) throws -> Int64 {
        var sum: Int64 = 0
        func add(_ rows: [[Int64?]]) { for r in rows { for v in r { sum &+= v ?? 0 } } }
        let p = [start, end]
        // Reach: contacts, clients reached (canonical), new clients.
        add(try db.rows("""
            SELECT COUNT(*), COUNT(DISTINCT cl.canonical) FROM contacts c JOIN clients cl ON cl.id = c.client
            WHERE c.at >= ?1 AND c.at < ?2
            """, p))
        add(try db.rows("""
            SELECT COUNT(*) FROM (SELECT cl.canonical FROM contacts c JOIN clients cl ON cl.id = c.client
              WHERE c.at >= ?1 AND c.at < ?2 GROUP BY cl.canonical) r
            JOIN (SELECT canonical, MIN(first_seen) AS f FROM clients GROUP BY canonical) n ON n.canonical = r.canonical
            WHERE n.f >= ?1
            """, p))
        // Items handed out, per item.
        add(try db.rows("""
            SELECT ci.item, SUM(ci.quantity) FROM contacts c JOIN contact_items ci ON ci.contact = c.id
            WHERE c.at >= ?1 AND c.at < ?2 GROUP BY ci.item
            """, p))
        // Clients who received needles/syringes (PRV.8), naloxone handed out.
        add(try db.rows("""
            SELECT COUNT(DISTINCT cl.canonical), SUM(i.naloxone * ci.quantity) FROM contacts c
            JOIN contact_items ci ON ci.contact = c.id JOIN items i ON i.id = ci.item JOIN clients cl ON cl.id = c.client
            WHERE c.at >= ?1 AND c.at < ?2 AND (i.ns = 1 OR i.naloxone = 1)
            """, p))
        // Regular access (PRV.9): reached in every 30-day window.
        add(try db.rows("""
            SELECT COUNT(*) FROM (SELECT cl.canonical FROM contacts c JOIN clients cl ON cl.id = c.client
              WHERE c.at >= ?1 AND c.at < ?1 + ?3 * 2592000
              GROUP BY cl.canonical HAVING COUNT(DISTINCT (c.at - ?1) / 2592000) = ?3)
            """, [start, end, Int64(windows)]))
        // Overdoses by outcome.
        add(try db.rows("SELECT overdose, COUNT(*) FROM contacts WHERE at >= ?1 AND at < ?2 AND overdose IS NOT NULL GROUP BY overdose", p))
        // Referrals by service and status, and days to attendance (median in the application).
        add(try db.rows("SELECT COUNT(*) FROM referrals WHERE issued_at >= ?1 AND issued_at < ?2 GROUP BY service, status", p))
        let days = try db.rows("""
            SELECT (status_at - issued_at) / 86400 FROM referrals
            WHERE issued_at >= ?1 AND issued_at < ?2 AND status = 'attended' ORDER BY 1
            """, p)
        if !days.isEmpty { sum &+= days[days.count / 2][0] ?? 0 }
        // Stock per site and item: movements and distribution in the period, and everything since
        // its start (opening = current level − changes since the start).
        add(try db.rows("SELECT site, item, kind, SUM(delta) FROM movements WHERE at >= ?1 AND at < ?2 GROUP BY site, item, kind", p))
        add(try db.rows("""
            SELECT c.site, ci.item, SUM(ci.quantity) FROM contacts c JOIN contact_items ci ON ci.contact = c.id
            WHERE c.at >= ?1 AND c.at < ?2 GROUP BY c.site, ci.item
            """, p))
        add(try db.rows("SELECT site, item, SUM(delta) FROM movements WHERE at >= ?1 GROUP BY site, item", p))
        add(try db.rows("""
            SELECT c.site, ci.item, SUM(ci.quantity) FROM contacts c JOIN contact_items ci ON ci.contact = c.id
            WHERE c.at >= ?1 GROUP BY c.site, ci.item
            """, p))
        add(try db.rows("SELECT site, item, level FROM stock", []))
        return sum
    }
}
