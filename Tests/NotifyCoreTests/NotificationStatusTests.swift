import NotifyCore
import Testing

@Suite struct NotificationStatusTests {
    @Test func forwardMovesAreAllowed() {
        #expect(NotificationStatus.accepted.canMove(to: .queued))
        #expect(NotificationStatus.queued.canMove(to: .sending))
        #expect(NotificationStatus.sending.canMove(to: .sent))
        #expect(NotificationStatus.sent.canMove(to: .delivered))
        #expect(NotificationStatus.failed.canMove(to: .queued))
    }

    @Test func backwardMovesAreRefused() {
        #expect(!NotificationStatus.delivered.canMove(to: .sent))
        #expect(!NotificationStatus.sent.canMove(to: .sending))
        #expect(!NotificationStatus.suppressed.canMove(to: .queued))
        #expect(!NotificationStatus.delivered.canMove(to: .failed))
    }

    @Test func finalStatuses() {
        #expect(Set(NotificationStatus.allCases.filter(\.isFinal)) == [.delivered, .failed, .suppressed, .expired])
    }
}
