/// Identifies one live socket of a tab. A tab may briefly hold two (a reload opens
/// the new socket before the old one has closed), so entries track connections,
/// not just tabs.
public typealias ConnectionID = UInt64
