using System.Text;

namespace BpfChannels.Tool;

/// <summary>
/// Standard error, opened on the first write: creating <see cref="Console.Error"/> (its encoding, its stream) costs
/// start-up time that a successful command, which writes nothing there, need not pay.
/// </summary>
internal sealed class LazyConsoleError : TextWriter
{
    private TextWriter? _error;

    public override Encoding Encoding => Error.Encoding;

    private TextWriter Error => _error ??= Console.Error;

    public override void Write(char value) => Error.Write(value);

    public override void Write(string? value) => Error.Write(value);

    public override void Write(char[] buffer, int index, int count) => Error.Write(buffer, index, count);

    public override void WriteLine(string? value) => Error.WriteLine(value);

    /// <summary>Written synchronously, as <see cref="Console.Error"/> does: the base class would queue it to the thread pool.</summary>
    public override Task WriteLineAsync(string? value)
    {
        Error.WriteLine(value);
        return Task.CompletedTask;
    }

    public override void Flush() => _error?.Flush();
}
