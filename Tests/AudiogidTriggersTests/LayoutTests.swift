import CAudiogidShim
import Testing
@testable import AudiogidTriggers

/// The Swift decoders read the kernel's structs by offset; these check the offsets against the C headers.
@Suite(.timeLimit(.minutes(3))) struct LayoutTests {
    @Test func gpioLineEventMatchesKernelLayout() {
        #expect(audiogid_gpio_v2_line_event_size() == 48)
        #expect(GpioLineEvent.size == 48)
        #expect(audiogid_gpio_v2_line_event_offset_of_id() == 8)
        #expect(audiogid_gpio_v2_line_event_offset_of_offset() == 12)
        #expect(audiogid_gpio_v2_line_event_offset_of_seqno() == 16)
        #expect(audiogid_gpio_v2_line_request_size() == 592)
    }

    @Test func inputEventMatchesKernelLayout() {
        #expect(audiogid_input_event_size() == 24)
        #expect(InputEvent.size == 24)
        #expect(audiogid_input_event_offset_of_type() == 16)
        #expect(audiogid_input_event_offset_of_value() == 20)
    }

    @Test func ioctlNumbersAreTheKernels() {
        #expect(audiogid_GPIO_V2_GET_LINE_IOCTL == 0xC250_B407)
        #expect(audiogid_EVIOCGRAB == 0x4004_4590)
        #expect(audiogid_GPIO_V2_LINE_FLAG_BIAS_PULL_UP == 1 << 8)
        #expect(audiogid_GPIO_V2_LINE_ATTR_ID_DEBOUNCE == 3)
    }

    @Test func recordsRoundTrip() {
        let event = GpioLineEvent(timestampNs: 123_456_789_012, rising: false, offset: 27, seqno: 9, lineSeqno: 4)
        #expect(GpioLineEvent(record: event.bytes) == event)
        let key = InputEvent(type: 1, code: 82, value: 1, seconds: 1_700_000_000, microseconds: 5)
        #expect(InputEvent(record: key.bytes) == key)
    }
}
