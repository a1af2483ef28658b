import ArgumentParser
import Foundation
import SenimCore

struct ClientShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one client: codes merged with it, contacts and referrals.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: JSONFlag

    @Argument(help: ArgumentHelp("The client's code.", valueName: "uic"))
    var uic: String

    struct JSONShow: Encodable {
        var client: JSONModel.Client
        var mergedFrom: [String]
        var contacts: [JSONModel.Contact]
        var referrals: [JSONModel.Referral]
    }

    func run() throws {
        try global.withReadSession { env, s in
            let code = try s.validator.uic(uic)
            let l = s.ledger
            guard let idx = l.clientIndex[code] else {
                let near = s.nearDuplicates(code)
                if near.isEmpty { throw Message("validate.uic.unknown", code.code) }
                throw Message("validate.uic.unknown.near", code.code, near.map(\.code).joined(separator: ", "))
            }
            let target = l.canonical(idx)
            let group = Set(l.clients.indices.filter { l.canonical(Int32($0)) == target }.map { l.clients[$0].uic })
            let record = l.clients[Int(target)]
            let contacts = l.contacts(of: record.uic).map { JSONModel.contact(l, index: $0) }
            let referrals = l.referralList.filter { group.contains($0.client) }.map { JSONModel.referral($0, role: s.role) }
            let model = JSONShow(client: JSONModel.client(l, record, formula: env.configuration.uic, year: Render.currentYear),
                                 mergedFrom: group.filter { $0 != record.uic }.map(\.code).sorted(),
                                 contacts: contacts, referrals: referrals)
            if output.json { return try Out.json(model) }
            let c = model.client
            Out.line(env.t("cli.client.header", c.code, c.sex ?? "?", c.birthYear.map(String.init) ?? "?"))
            if code != record.uic { Out.line(env.t("cli.client.mergedInto", code.code, record.uic.code)) }
            if !model.mergedFrom.isEmpty { Out.line(env.t("cli.client.mergedFrom", model.mergedFrom.joined(separator: ", "))) }
            Out.line(env.t("cli.client.seen", Dates.local(record.firstSeen), Dates.local(record.lastSeen), c.firstPoint, String(contacts.count)))
            Out.line()
            ContactListCommand.printTable(contacts, env: env, shorts: s.shortIDs())
            if !referrals.isEmpty {
                Out.line()
                ReferralListCommand.printTable(referrals, env: env, shorts: s.shortIDs())
            }
        }
    }
}
