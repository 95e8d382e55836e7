namespace BpfChannels;

/// <summary>The outcome of <see cref="BpfProgram.TestRun(ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte}, Span{byte}, int)"/> (BPF_PROG_TEST_RUN).</summary>
/// <param name="ReturnValue">The program's return value (for XDP an action such as XDP_PASS = 2).</param>
/// <param name="DurationNanoseconds">The average run time per repetition in nanoseconds as the kernel measured it (zero for program types that do not measure it).</param>
/// <param name="DataSize">How many bytes of packet data the program produced (written to the data output buffer).</param>
/// <param name="ContextSize">How many bytes of context the program produced (written to the context output buffer).</param>
public readonly record struct BpfTestRunResult(uint ReturnValue, long DurationNanoseconds, int DataSize, int ContextSize)
{
    /// <summary>The average run time per repetition (<see cref="DurationNanoseconds"/> at TimeSpan's 100 ns resolution).</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(DurationNanoseconds / 100);
}
