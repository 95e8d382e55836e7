using System.Diagnostics;
using System.Globalization;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// Runs bpfchan (the Native AOT build) and bpftool as processes, output drained and discarded the same way for
/// both, so a benchmark measures what a shell user waits for: start-up, the syscalls and the printing.
/// </summary>
internal static class ToolProcess
{
    /// <summary>
    /// The AOT bpfchan: BPFCHANNELS_BPFCHAN if set, else published once per run into artifacts/aot/BpfChannels.Tool
    /// (as scripts/publish-aot.sh does; incremental, so an up-to-date build costs only the check), so the benchmarks
    /// never time a stale binary and run unattended.
    /// </summary>
    public static string Bpfchan => LazyBpfchan.Value;

    /// <summary>
    /// An empty Native AOT program (<c>return 0;</c>) built with bpfchan's start-up settings
    /// (src/BpfChannels.Tool/AotStartup.props): what any Native AOT process costs before its own code runs, so the
    /// benchmarks show how much of bpfchan's time is the runtime's and how much bpfchan's. Published once per run into
    /// artifacts/aot/aot-floor from a project written to artifacts/bench-floor.
    /// </summary>
    public static string AotFloor => LazyAotFloor.Value;

    public static string Bpftool { get; } = File.Exists("/usr/sbin/bpftool") ? "/usr/sbin/bpftool" : "bpftool";

    /// <summary>Runs the program to completion; fails on a non-zero exit so a broken run is never timed as a fast one.</summary>
    public static long Run(string file, params string[] args)
    {
        using Process process = Start(file, args);
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var counter = new CountingStream();
        process.StandardOutput.BaseStream.CopyTo(counter);
        WaitForSuccess(process, error, file, args);
        return counter.Length;
    }

    /// <summary>What the program writes to standard output (fails on a non-zero exit), to check that two tools print the same.</summary>
    public static string Capture(string file, params string[] args)
    {
        using Process process = Start(file, args);
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        WaitForSuccess(process, error, file, args);
        return output;
    }

    /// <summary>Fails unless bpftool and bpfchan print exactly the same for <paramref name="args"/>: the tools then list the same maps and entries.</summary>
    public static void RequireSameOutput(params string[] args)
    {
        string bpftool = Capture(Bpftool, args);
        string bpfchan = Capture(Bpfchan, args);
        if (bpftool != bpfchan)
        {
            throw new InvalidOperationException($"bpftool and bpfchan print different things for '{string.Join(' ', args)}':\n{bpftool}\n---\n{bpfchan}");
        }
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

    private static Process Start(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    /// <summary>Waits for the exit; throws with the program's standard error unless it exited 0.</summary>
    private static void WaitForSuccess(Process process, Task<string> error, string file, string[] args)
    {
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
        }
    }

    private static readonly Lazy<string> LazyBpfchan = new(FindOrPublishBpfchan);

    private static readonly Lazy<string> LazyAotFloor = new(PublishAotFloor);

    private static string FindOrPublishBpfchan()
    {
        string? configured = Environment.GetEnvironmentVariable("BPFCHANNELS_BPFCHAN");
        if (configured is not null)
        {
            return File.Exists(configured) ? configured : throw new InvalidOperationException($"BPFCHANNELS_BPFCHAN names {configured}, which does not exist.");
        }

        string root = RepositoryRoot("set BPFCHANNELS_BPFCHAN to an AOT bpfchan");
        return Publish(Path.Combine(root, "src", "BpfChannels.Tool", "BpfChannels.Tool.csproj"), Path.Combine(root, "artifacts", "aot", "BpfChannels.Tool"), "bpfchan");
    }

    private static string PublishAotFloor()
    {
        string root = RepositoryRoot("the floor program is built from src/BpfChannels.Tool/AotStartup.props");
        string project = Path.Combine(root, "artifacts", "bench-floor");
        Directory.CreateDirectory(project);
        string settings = Path.Combine(root, "src", "BpfChannels.Tool", "AotStartup.props");
        WriteIfChanged(Path.Combine(project, "AotFloor.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <AssemblyName>aot-floor</AssemblyName>
                <PublishAot>true</PublishAot>
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
              </PropertyGroup>
              <ItemGroup>
                <!-- Named: the SDK leaves everything under the artifacts folder out of its default items. -->
                <Compile Include="Program.cs" />
              </ItemGroup>
              <Import Project="{settings}" />
            </Project>
            """);
        WriteIfChanged(Path.Combine(project, "Program.cs"), "return 0;\n");
        return Publish(Path.Combine(project, "AotFloor.csproj"), Path.Combine(root, "artifacts", "aot", "aot-floor"), "aot-floor");
    }

    private static void WriteIfChanged(string path, string text)
    {
        // Unchanged files keep their time stamps, so the incremental publish has nothing to redo.
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text);
        }
    }

    private static string RepositoryRoot(string otherwise)
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "BpfChannels.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        return root ?? throw new InvalidOperationException($"No repository above the benchmarks to publish from: {otherwise}.");
    }

    /// <summary>dotnet publish for linux-x64 (incremental: an up-to-date build costs only the check); the executable's path.</summary>
    private static string Publish(string project, string output, string executable)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "-v", "quiet", "-nologo" })
        {
            info.ArgumentList.Add(arg);
        }

        using Process publish = Process.Start(info)!;
        Task<string> error = publish.StandardError.ReadToEndAsync();
        string log = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        string path = Path.Combine(output, executable);
        return publish.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Publishing {Path.GetFileName(project)} with Native AOT failed ({publish.ExitCode}): {log}{error.Result}");
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
