import Foundation
import Testing

/// `client set`, `incident add`, `activity add` and the new report rows through the real binary.
@Suite struct CLIServicePackageTests {
    @Test func profileIncidentAndActivityReachTheReport() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").status == 0)
        #expect(try s.run(["client", "add", "BOSE290"], as: "aigerim").status == 0)
        // A smoker and a person with no route recorded (counts as injecting).
        let ok = try s.run(["client", "set", "anse185", "--substance", "stimulants", "--route", "smoking", "--oat", "no",
                            "--gender", "trans-woman", "--at", "2026-03-01T09:00"], as: "aigerim")
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.out.contains("smoking"))
        #expect(try s.run(["client", "set", "ANSE185", "--route", "flying"], as: "aigerim").status == 64)
        #expect(try s.run(["client", "set", "ANSE185"], as: "aigerim").status == 65)
        #expect(try s.run(["client", "set", "ZZZZ199", "--oat", "yes"], as: "aigerim").status == 65)
        #expect(try s.run(["client", "show", "ANSE185"]).out.contains("trans woman"))
        for code in ["anse185", "bose290"] {
            #expect(try s.run(["contact", "add", "--client", code, "--item", "syringe-1ml=10", "--service", "hiv-test",
                               "--at", "2026-03-02T10:15"], as: "aigerim").status == 0)
        }
        // Like every id the CLI prints: the short form, unique in the store.
        let incident = try s.run(["incident", "add", "--kind", "police-stop", "--at", "2026-03-03T12:00"], as: "aigerim")
        let printed = incident.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(incident.status == 0 && printed.count >= 8 && printed.count < 32 && printed.allSatisfy(\.isHexDigit), "\(incident)")
        #expect(try s.run(["incident", "add", "--kind", "detention", "--client", "ANSE185", "--note", "у рынка",
                           "--at", "2026-03-04T12:00"], as: "aigerim").status == 0)
        #expect(try s.run(["incident", "add", "--kind", "teleport"], as: "aigerim").status == 64)
        #expect(try s.run(["incident", "add", "--kind", "violence", "--note", "ИИН 900101300126"], as: "aigerim").status == 65)
        #expect(try s.run(["activity", "add", "--kind", "information-session", "--participants", "14",
                           "--at", "2026-03-05T15:00"], as: "aigerim").status == 0)
        #expect(try s.run(["activity", "add", "--kind", "training", "--participants", "0"], as: "aigerim").status == 65)
        let r = try s.run(["report", "--period", "2026-03", "--format", "csv", "--no-suppress"])
        #expect(r.status == 0, "\(r)")
        let lines: [[String]] = r.out.components(separatedBy: "\r\n").map { $0.components(separatedBy: ",") }
        func value(_ row: String) -> String? {
            for f in lines where f.count > 13 && f[8] == row && f[11] == "total" { return f[13] }
            return nil
        }
        #expect(value("clients.reached") == "2")
        #expect(value("clients.pwid") == "1")
        #expect(value("clients.nonInjecting") == "1")
        #expect(value("services.hiv-test.clients") == "2")
        #expect(value("services.hiv-test.delivered") == "2")
        #expect(value("activities.information-session.participants") == "14")
        // Incidents stay suppressed even in an exact export.
        // ("Incidents, all kinds" is quoted in the CSV: look at the end of its line.)
        let incidents = r.out.components(separatedBy: "\r\n").first { $0.contains(",incidents.all,") && $0.contains(",total,") }
        #expect(incidents?.hasSuffix(",*,suppressed internal") == true, "\(incidents ?? "none")")
        let g = try s.run(["report", "--period", "2026-03", "--by", "gender", "--format", "csv", "--no-suppress"])
        #expect(g.status == 0 && g.out.contains(",trans-woman,"))
    }

    @Test func overdoseDetailsAndTestResults() throws {
        let s = try TestStore()
        try s.addUser("aigerim", role: "worker")
        #expect(try s.run(["client", "add", "ANSE185"], as: "aigerim").status == 0)
        #expect(try s.run(["client", "set", "ANSE185", "--substance", "stimulants", "--at", "2026-03-01T09:00"], as: "aigerim").status == 0)
        let od = try s.run(["contact", "add", "--client", "ANSE185", "--overdose", "recovered", "--overdose-kind", "stimulant",
                            "--who-came", "ambulance-refused", "--who-came", "police-came", "--at", "2026-03-02T10:00"], as: "aigerim")
        #expect(od.status == 0, "\(od)")
        // A reactive result prints the confirmatory-test hint (stderr), in the user's language.
        let test = try s.run(["contact", "add", "--client", "ANSE185", "--service", "hiv-test", "--result", "hiv-test=reactive",
                              "--at", "2026-03-03T10:00", "--lang", "ru"], as: "aigerim")
        #expect(test.status == 0, "\(test)")
        #expect(test.err.contains("подтверждающий тест") && test.err.contains("senim referral add --client ANSE185 --service hiv-test"))
        // Refused, nothing saved: details without an outcome, a result without the test, a bad result.
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--item", "needle=1", "--who-came", "police-came"], as: "aigerim").status == 65)
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--result", "hiv-test=reactive"], as: "aigerim").status == 65)
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--service", "hiv-test", "--result", "hiv-test=maybe"], as: "aigerim").status == 64)
        #expect(try s.run(["contact", "add", "--client", "ANSE185", "--overdose", "fatal", "--overdose-kind", "laughter"], as: "aigerim").status == 64)
        let show = try s.run(["contact", "show", od.out.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(show.out.contains("stimulant") && show.out.contains("police came"), "\(show)")
        // A correction: the result becomes invalid; the hint is not printed again.
        let id = test.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let fix = try s.run(["contact", "correct", id, "--result", "hiv-test=invalid"])   // a coordinator: the contact is past the window
        #expect(fix.status == 0, "\(fix)")
        #expect(!fix.err.contains("referral add"))
        let json = try s.run(["contact", "show", id, "--json"])
        #expect(json.out.contains("\"result\" : \"invalid\"") || json.out.contains("\"result\":\"invalid\""), "\(json.out)")
        let r = try s.run(["report", "--period", "2026-03", "--format", "csv", "--no-suppress"])
        let lines: [[String]] = r.out.components(separatedBy: "\r\n").map { $0.components(separatedBy: ",") }
        func value(_ row: String) -> String? {
            for f in lines where f.count > 13 && f[8] == row && f[11] == "total" { return f[13] }
            return nil
        }
        #expect(value("overdoses.stimulant") == "1")
        #expect(value("overdoses.ambulance-refused") == "1")
        #expect(value("overdoses.police-came") == "1")
        #expect(value("services.hiv-test.result.invalid") == "1")
        #expect(value("services.hiv-test.reactive") == "0")
        let bySubstance = try s.run(["report", "--period", "2026-03", "--by", "substance", "--format", "csv", "--no-suppress"])
        #expect(bySubstance.status == 0 && bySubstance.out.contains(",stimulants,"))
    }
}
