import FoyerCore
import Testing

@Suite("Number pool")
struct NumberPoolTests {
    @Test func takesSmallestFree() {
        var pool = NumberPool()
        #expect((1...5).map { _ in pool.take() } == [1, 2, 3, 4, 5])
        pool.release(4)
        pool.release(2)
        #expect(pool.take() == 2)
        #expect(pool.take() == 4)
        #expect(pool.take() == 6)
    }

    @Test func releasingTheTopShrinks() {
        var pool = NumberPool()
        for _ in 1...5 { _ = pool.take() }
        pool.release(3)
        pool.release(4)
        pool.release(5)
        #expect(pool.take() == 3)
        #expect(pool.take() == 4)
    }

    @Test func rebuildsFromNumbersInUse() {
        var pool = NumberPool(inUse: [1, 4, 7])
        #expect([pool.take(), pool.take(), pool.take(), pool.take(), pool.take()] == [2, 3, 5, 6, 8])
    }
}
