/// An entry's page history: a page visited or retitled, bounded in pages and in bytes.
extension AccountRegistry {
    /// The entry is on a new page now.
    func visit(_ entry: inout Entry, url: String, title: String, now: Int64) {
        var pages = entry.pages
        pages.append(PageView(url: url, title: title, at: now))
        entry.pageCount = (entry.pageCount ?? pages.count - 1) + 1
        if pages.count > configuration.historyLimit {
            pages.removeFirst(pages.count - configuration.historyLimit)
        }
        boundHistoryBytes(&pages)
        entry.setPage(url: url, title: title, since: now, pages: pages)
    }

    func retitle(_ entry: inout Entry, title: String) {
        var pages = entry.pages
        if !pages.isEmpty { pages[pages.count - 1].title = title }
        boundHistoryBytes(&pages)
        entry.setPage(url: entry.url, title: title, since: entry.pageSince, pages: pages)
    }

    /// Drops the oldest pages while the history is over its byte bound; the current
    /// page stays whatever its size (the URL and title bounds cap it).
    private func boundHistoryBytes(_ pages: inout [PageView]) {
        var bytes = pages.reduce(0) { $0 + $1.url.utf8.count + $1.title.utf8.count }
        var drop = 0
        while bytes > configuration.historyByteLimit, drop < pages.count - 1 {
            bytes -= pages[drop].url.utf8.count + pages[drop].title.utf8.count
            drop += 1
        }
        if drop > 0 { pages.removeFirst(drop) }
    }
}
