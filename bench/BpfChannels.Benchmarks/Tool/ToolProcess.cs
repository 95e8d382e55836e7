using System.Diagnostics;
using System.Globalization;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// Runs bpfchan (the Native AOT build) and bpftool as processes, output drained and discarded the same way for
/// both, so a benchmark measures what a shell user waits for: start-up, the syscalls and the printing.
/// </summary>
internal static class ToolProcess
{
    /// <summary>The AOT bpfchan: BPFCHANNELS_BPFCHAN, else artifacts/aot/BpfChannels.Tool/bpfchan (scripts/publish-aot.sh).</summary>
    public static string Bpfchan { get; } = FindBpfchan();

    public static string Bpftool { get; } = File.Exists("/usr/sbin/bpftool") ? "/usr/sbin/bpftool" : "bpftool";

    /// <summary>Runs the program to completion; fails on a non-zero exit so a broken run is never timed as a fast one.</summary>
    public static long Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var counter = new CountingStream();
        process.StandardOutput.BaseStream.CopyTo(counter);
        process.WaitForExit();
        return process.ExitCode == 0 ? counter.Length : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
    }

    /// <summary>A pinned u32 -> u64 hash map of <paramref name="entries"/> entries under a name unique to this run.</summary>
    public static (BpfMap<uint, ulong> Map, string Pin) CreatePinnedHash(string name, int entries)
    {
        BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(entries, name: name);
        for (uint key = 0; key < entries; key++)
        {
            map.Update(key, (ulong)key * 3);
        }

        string pin = Path.Combine(BpfSystem.DefaultBpfFsPath, $"{name}_{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        _ = BpfMap.Unpin(pin);
        map.Map.Pin(pin);
        return (map, pin);
    }

    private static string FindBpfchan()
    {
        string? configured = Environment.GetEnvironmentVariable("BPFCHANNELS_BPFCHAN");
        if (configured is not null)
        {
            return configured;
        }

        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "artifacts", "aot", "BpfChannels.Tool", "bpfchan");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No AOT bpfchan: run scripts/publish-aot.sh first, or set BPFCHANNELS_BPFCHAN.");
    }

    private sealed class CountingStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Position += count;
    }
}
