using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// The ring buffer the event benchmarks drain: ringbuf_fill.bpf.c (compiled here with clang) loaded into
/// the kernel, and a <see cref="Fill"/> that runs it once to write <see cref="Records"/> 64-byte records.
/// </summary>
internal sealed class RingBufferFill : IDisposable
{
    public const int Records = 500_000;
    public const int RecordSize = 64;

    private readonly BpfObject _object;
    private readonly BpfProgram _fill;
    private readonly BpfProgram _stamp;

    public RingBufferFill()
    {
        string output = Path.Combine(Path.GetTempPath(), $"bpfchannels_bench_ringbuf_fill_{Environment.ProcessId}.bpf.o");
        Compile(Path.Combine(SourceDirectory(), "ringbuf_fill.bpf.c"), output);
        _object = BpfObject.LoadFile(output);
        File.Delete(output);
        _fill = _object.GetProgram("fill");
        _stamp = _object.GetProgram("stamp");
        Map = _object.GetMap("bench_events");
    }

    public BpfMap Map { get; }

    /// <summary>Writes <see cref="Records"/> records; fails if the buffer was not empty or a reservation failed.</summary>
    public void Fill()
    {
        Span<uint> args = [Records, 0];
        uint failed = _fill.TestRun(context: MemoryMarshal.AsBytes(args)).ReturnValue;
        if (failed != 0)
        {
            throw new InvalidOperationException($"{failed} of {Records} reservations failed: the ring buffer was not drained.");
        }
    }

    /// <summary>Writes one record holding the kernel's CLOCK_MONOTONIC time in nanoseconds.</summary>
    public void Stamp()
    {
        if (_stamp.TestRun().ReturnValue != 0)
        {
            throw new InvalidOperationException("The stamp reservation failed: the ring buffer is full.");
        }
    }

    public void Dispose() => _object.Dispose();

    private static void Compile(string source, string output)
    {
        var info = new System.Diagnostics.ProcessStartInfo("clang-14") { RedirectStandardError = true };
        foreach (string arg in new[] { "-target", "bpf", "-O2", "-g", "-c", source, "-I/usr/include/x86_64-linux-gnu", "-o", output })
        {
            info.ArgumentList.Add(arg);
        }

        using var clang = System.Diagnostics.Process.Start(info)!;
        string errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        if (clang.ExitCode != 0)
        {
            throw new InvalidOperationException($"clang-14 could not compile {source}: {errors}");
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
