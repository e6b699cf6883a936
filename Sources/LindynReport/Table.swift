import Foundation

/// One cell of a ``Table``.
///
/// Literals convert: `1` is ``integer(_:)``, `2.5` is ``number(_:)``, `"a"` is ``text(_:)``,
/// `true` is ``bool(_:)`` and `nil` is ``missing``.
public enum Cell: Sendable, Hashable {
    /// A floating-point value; may be NaN or infinite (see each writer for how those print).
    case number(Double)
    /// An exact count.
    case integer(Int)
    /// Text (escaped by each writer as its format needs).
    case text(String)
    /// A Boolean, written `true` or `false`.
    case bool(Bool)
    /// No value (a failed or skipped computation).
    case missing

    /// The numeric value of ``number(_:)`` or ``integer(_:)``, else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The cell as JSON. JSON has no non-finite numbers: NaN and infinities become the strings
    /// `"NaN"`, `"inf"` and `"-inf"`, the same words the CSV writer prints (and that
    /// `float()` in Python, pandas and R read back); ``missing`` becomes `null` (an empty CSV
    /// field), so a missing value and a NaN stay distinct in both formats.
    public var jsonValue: JSONValue {
        switch self {
        case .number(let value):
            if value.isNaN { return .string("NaN") }
            if value.isInfinite { return .string(value < 0 ? "-inf" : "inf") }
            return .number(value)
        case .integer(let value): return .integer(value)
        case .text(let value): return .string(value)
        case .bool(let value): return .bool(value)
        case .missing: return .null
        }
    }

    var _isNumeric: Bool {
        switch self {
        case .number, .integer: return true
        default: return false
        }
    }
}

extension Cell: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    /// An integer literal as ``integer(_:)``.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A floating-point literal as ``number(_:)``.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal as ``text(_:)``.
    public init(stringLiteral value: String) { self = .text(value) }
    /// A Boolean literal as ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `nil` as ``missing``.
    public init(nilLiteral: ()) { self = .missing }
}

/// A table of named columns and rows of ``Cell``s, with optional title, caption, and per-column
/// units and descriptions. Every row has exactly one cell per column.
///
/// Writers: ``csv()``, ``markdown(significantDigits:)``, ``latex(significantDigits:)``,
/// ``json(leading:trailing:layout:)``, ``text(significantDigits:)``, or ``rendered(as:)``.
public struct Table: Sendable, Hashable {
    /// A column's name (the key scripts use), with an optional unit and description.
    public struct Column: Sendable, Hashable, ExpressibleByStringLiteral {
        /// The column's name, e.g. `max_abs_error`.
        public var name: String
        /// The unit of its values, e.g. `s`; `nil` when dimensionless.
        public var unit: String?
        /// What the column holds, in one sentence (the tables' README lists it).
        public var description: String?

        /// A column from its name, unit and description.
        public init(_ name: String, unit: String? = nil, description: String? = nil) {
            self.name = name
            self.unit = unit
            self.description = description
        }

        /// A column named by a string literal, without unit or description.
        public init(stringLiteral value: String) { self.init(value) }

        /// The name followed by the unit in parentheses, for human-readable headers.
        public var heading: String { unit.map { "\(name) (\($0))" } ?? name }
    }

    /// The table's title (a heading or `\caption` where the format has one).
    public var title: String?
    /// A longer explanation printed with the table.
    public var caption: String?
    /// The columns, in order.
    public private(set) var columns: [Column]
    /// The rows, each with one cell per column.
    public private(set) var rows: [[Cell]]

    /// A table with `columns` and `rows`; every row must have one cell per column.
    public init(columns: [Column], rows: [[Cell]] = [], title: String? = nil, caption: String? = nil) {
        self.columns = columns
        self.rows = []
        self.title = title
        self.caption = caption
        self.rows.reserveCapacity(rows.count)
        for row in rows { append(row) }
    }

    /// A table whose columns are given by name only.
    public init(columns: [String], rows: [[Cell]] = [], title: String? = nil, caption: String? = nil) {
        self.init(columns: columns.map { Column($0) }, rows: rows, title: title, caption: caption)
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// Appends a row; it must have one cell per column.
    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count,
                     "a row has \(row.count) cells but the table has \(columns.count) columns")
        rows.append(row)
    }

    /// Appends a row of numbers.
    public mutating func append(numbers: [Double]) {
        append(numbers.map(Cell.number))
    }

    /// The index of the first column named `name`.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// The cells of the column named `name`, top to bottom.
    public func column(named name: String) -> [Cell]? {
        columnIndex(named: name).map { index in rows.map { $0[index] } }
    }

    /// Sets the unit of the column named `name` (no effect if there is none).
    public mutating func setUnit(_ unit: String?, forColumn name: String) {
        if let index = columnIndex(named: name) { columns[index].unit = unit }
    }

    /// Sets the description of the column named `name` (no effect if there is none).
    public mutating func setDescription(_ description: String?, forColumn name: String) {
        if let index = columnIndex(named: name) { columns[index].description = description }
    }

    /// True when every cell of column `index` that is not ``Cell/missing`` is a number.
    func _isNumericColumn(_ index: Int) -> Bool {
        rows.allSatisfy { $0[index]._isNumeric || $0[index] == .missing }
            && rows.contains { $0[index]._isNumeric }
    }
}
