import Foundation

/// The C entry points GSL calls for each system type: the ones specialised for the type when it
/// conforms to ``_DirectCallbacks``, the generic trampolines otherwise.
///
/// Whether a type conforms is a runtime conformance lookup (`S.self as? any
/// _DirectCallbacks.Type`), which the Swift runtime answers in about 8,000 instructions every
/// time (measured with callgrind on the mode solves: as much as a few hundred right-hand sides
/// of a one-variable flow, 0.5-1% of a whole small solve). The answer is looked up once per type
/// and kept here; a later solve of the same type costs a lock and a scan of the few types a
/// process solves (a dictionary's hashing alone costs more than the scan).
final class _CallbackTable: @unchecked Sendable {
    static let shared = _CallbackTable()

    private struct Entry {
        let type: ObjectIdentifier
        let rhs: _CRightHandSide
        let jacobian: _CJacobian
    }

    private let lock = NSLock()
    /// Guarded by `lock`; newest type last (a run solves one type over and over).
    private var entries: [Entry] = []

    func entryPoints<S: ODESystem>(for type: S.Type) -> (rhs: _CRightHandSide, jacobian: _CJacobian) {
        let key = ObjectIdentifier(type)
        lock.lock()
        defer { lock.unlock() }
        var i = entries.count
        while i > 0 {
            i -= 1
            if entries[i].type == key { return (entries[i].rhs, entries[i].jacobian) }
        }
        let found: Entry
        if let direct = type as? any _DirectCallbacks.Type {
            found = Entry(type: key, rhs: direct._cRightHandSide, jacobian: direct._cJacobian)
        } else {
            found = Entry(type: key, rhs: rhsTrampoline, jacobian: jacobianTrampoline)
        }
        entries.append(found)
        return (found.rhs, found.jacobian)
    }
}
