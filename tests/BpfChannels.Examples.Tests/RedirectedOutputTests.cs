using System.Diagnostics;
using System.Globalization;
using BpfChannels.Tests.Support;

namespace BpfChannels.Examples.Tests;

/// <summary>
/// The console examples run as programs with standard output redirected, as <c>./scripts/run-example.sh</c> into a log:
/// plain lines, no escape codes, and the data the kernel side produced (SeedMaps: the errno of each update).
/// </summary>
public sealed class RedirectedOutputTests
{
    [Fact]
    public async Task SyscallCounter_Redirected_PrintsPlainBlocksNamingProcesses()
    {
        BpfTestEnvironment.RequireBpf();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using Process example = Start("SyscallCounter", "--SyscallCounter:RunFor", "00:00:03", "--SyscallCounter:Top", "1000", "--BpfChannels:Maps:counts:PollInterval", "00:00:00.500");
        string output = await CollectAsync(example, timeout.Token);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("  COMMAND  ", output, StringComparison.Ordinal);
        // The example itself is a row, named by what its BPF program recorded (the main thread's name).
        string self = example.Id.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(output.Split('\n'), line => line.TrimStart().StartsWith(self + "  SyscallCounter ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenSnoop_Redirected_PrintsOneLinePerOpen()
    {
        BpfTestEnvironment.RequireBpf();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string missing = $"/tmp/bpfchannels-opensnoop-redirected-{Guid.NewGuid():N}";
        using Process example = Start(
            "OpenSnoop",
            "--OpenSnoop:RunFor", "00:00:04"); // attached from its own appsettings.json
        var lines = new List<string>();
        var header = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        example.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data == OpenSnoop.OpenSnoopView.Header)
            {
                header.TrySetResult(); // printed once the programs are attached
            }
        };
        example.BeginOutputReadLine();
        await header.Task.WaitAsync(timeout.Token);
        for (int i = 0; i < 5; i++)
        {
            Assert.False(File.Exists(missing));
            _ = Assert.Throws<FileNotFoundException>(() => File.OpenRead(missing));
            await Task.Delay(100, timeout.Token);
        }

        await example.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, example.ExitCode);
        string output;
        lock (lines)
        {
            output = string.Join('\n', lines);
        }

        Assert.DoesNotContain('\u001b', output);
        string self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(lines, line => line.TrimStart().StartsWith(self + " ", StringComparison.Ordinal) && line.Contains(" ENOENT  " + missing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeedMaps_Redirected_ReportsEachUpdateOutcomeAsTheKernelGaveIt()
    {
        BpfTestEnvironment.RequireBpf();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using Process example = Start("SeedMaps");
        string[] lines = (await CollectAsync(example, timeout.Token)).Split('\n');
        Assert.Contains("BPF_ANY     key 1 = 1234: Map updated with new element", lines);
        Assert.Contains("BPF_NOEXIST key 1 = 5678: Failed to update map with new value: -17 (EEXIST)", lines);
        Assert.Contains("BPF_EXIST   key 2 = 5678: Failed to update map with new value: -2 (ENOENT)", lines);
        Assert.Contains("BPF_EXIST   key 1 = 5678: Map updated with new element", lines);
        Assert.Contains("key 1 now holds 5678", lines);
        Assert.Contains(lines, line => line.StartsWith("Update threw: BPF_MAP_UPDATE_ELEM", StringComparison.Ordinal) && line.Contains("EEXIST", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Create threw: BPF_MAP_CREATE", StringComparison.Ordinal) && line.Contains("EINVAL", StringComparison.Ordinal));
    }

    /// <summary>
    /// Starts an example from its own output folder (beside this one in the artifacts tree: the copy here lacks the
    /// example's own dependencies and appsettings.json) with standard output and error redirected.
    /// </summary>
    private static Process Start(string name, params string[] args)
    {
        string here = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string executable = Path.GetFullPath(Path.Combine(here, "..", "..", name, Path.GetFileName(here), name));
        Assert.True(File.Exists(executable), $"{name} is not built at {executable}");
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(executable)! };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> CollectAsync(Process example, CancellationToken cancellationToken)
    {
        string output = await example.StandardOutput.ReadToEndAsync(cancellationToken);
        await example.WaitForExitAsync(cancellationToken);
        Assert.True(example.ExitCode == 0, $"exited with {example.ExitCode}: {output}");
        return output;
    }
}
