/// An input refused before any work was done: the field or argument at fault and a sentence
/// saying what is expected.
///
/// This is the one error type for refused input throughout Lindyn, under three names that say
/// where the input came from:
/// - ``ArgumentError``: an argument of a Swift call (a builder or initialiser), named as the call
///   spells it, with a dotted path into a structured argument (`widths`,
///   `initialization.scale`). Builders throw it where a bad value would otherwise trap or
///   produce a model that cannot be integrated.
/// - ``SolverConfigurationError``: a solver setting or solve argument refused before GSL is
///   called, named in problem-file terms (`solver.stepper`, `solver.epsabs`, `time.end`,
///   `initial`).
/// - `ProblemFileError` (LindynModels): a field of an input file, as a dotted path into the file
///   (`model.widths`), or `file` for the file as a whole.
///
/// Because the three names are one type, a caller catches every refused input with one
/// `catch let error as InputError` and reads ``field`` and ``message``; the command line maps it
/// to exit code 65.
public struct InputError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The field or argument at fault (`model.widths`, `solver.epsabs`, `widths`), or `file`
    /// for an input file as a whole.
    public var field: String
    /// What is wrong and what is expected, in one sentence.
    public var message: String

    /// An error naming `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// An error naming the Swift argument `argument` (the same as `init(field:message:)`).
    public init(argument: String, message: String) {
        self.init(field: argument, message: message)
    }

    /// The argument at fault: ``field`` under the name builders use.
    public var argument: String { field }

    /// `field: message`, or just the message when the field is `file` (the whole file).
    public var description: String { field == "file" ? message : "\(field): \(message)" }
}

/// A library call refused one of its arguments before doing any work (an ``InputError`` whose
/// ``InputError/field`` is the argument as the Swift call spells it, e.g. `widths` or
/// `initialization.scale`).
public typealias ArgumentError = InputError
