import ArgumentParser
import Foundation
import LindynReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard streams, made safe before anything runs: a closed descriptor 0, 1 or 2 is
/// reopened on `/dev/null` (so that no file the command opens later takes its number and
/// receives the output), and remembered, so that reading a closed standard input or writing
/// to a closed standard output fails with a one-line error instead of a crash.
public enum StandardStreams {
    nonisolated(unsafe) private(set) static var inputClosed = false
    nonisolated(unsafe) private(set) static var outputClosed = false

    /// Call once at the start of the program, before any file is opened.
    public static func prepare() {
        for fd: Int32 in [0, 1, 2] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0, null != fd {
                dup2(null, fd)
                close(null)
            }
            if fd == 0 { inputClosed = true }
            if fd == 1 { outputClosed = true }
        }
    }
}

/// Writes one line to standard error (errors there are ignored: there is nowhere left to report them).
func printError(_ message: String) {
    _ = FileIO.writeAll(STDERR_FILENO, Data(("lindyn: error: " + message + "\n").utf8), counted: false)
}

/// Writes one warning line to standard error.
func printWarning(_ message: String) {
    _ = FileIO.writeAll(STDERR_FILENO, Data(("lindyn: warning: " + message + "\n").utf8), counted: false)
}

/// Writes to standard output without buffering surprises. When standard output is closed or
/// cannot take the text (a full disk, `/dev/full`), prints one line on standard error and exits
/// 74 (EX_IOERR).
func emit(_ text: String) {
    var failure: Int32 = StandardStreams.outputClosed ? EBADF : 0
    if failure == 0 { failure = FileIO.writeAll(STDOUT_FILENO, Data(text.utf8), counted: false) }
    guard failure != 0 else { return }
    printError("cannot write to standard output: \(StandardStreams.outputClosed ? "it is closed" : FileIO.message(failure))")
    exit(74)
}

/// Reads standard input whole, up to ``FileIO/inputLimit``: a closed input exits 74, a larger one 65.
func readStandardInput() throws -> Data {
    if StandardStreams.inputClosed {
        printError("-: standard input is closed; pass a file name or redirect a file into it")
        throw ExitCode(74)
    }
    do {
        return try FileIO.readAll(STDIN_FILENO, path: "standard input")
    } catch let error {
        printError("-: \(error)")
        if case .inputTooLarge = error { throw ExitCode(65) }
        throw ExitCode(74)
    }
}
