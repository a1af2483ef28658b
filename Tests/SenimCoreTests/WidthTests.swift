import Testing
import SenimCore

@Suite struct WidthTests {
    @Test func latinCyrillicKazakhAreNarrow() {
        #expect(Width.of("Syringe") == 7)
        #expect(Width.of("Шприц") == 5)
        #expect(Width.of("ӘҒҚҢӨҰҮҺІ әғқңөұүһі") == 19)
    }

    @Test func cjkAndFullwidthAreWide() {
        #expect(Width.of("注射器") == 6)
        #expect(Width.of("ＡＢ") == 4)
        #expect(Width.of("한국") == 4)
    }

    @Test func combiningMarksAreZero() {
        #expect(Width.of(Unicode.Scalar(0x0301)!) == 0)
        #expect(Width.of("e\u{0301}") == 1)
        #expect(Width.of("\u{200B}") == 0)
    }
}
