using System.Diagnostics;

namespace BpfChannels.Tests.Support;

/// <summary>
/// Whether this process can use BPF. Kernel tests call <see cref="RequireBpf"/>: it skips with the reason when
/// BPF is unavailable, and fails instead when BPFCHANNELS_REQUIRE_BPF=1 (as in CI).
/// </summary>
public static class BpfTestEnvironment
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public static bool Required => Environment.GetEnvironmentVariable("BPFCHANNELS_REQUIRE_BPF") == "1";

    public static void RequireBpf() => Require(Unavailable.Value);

    /// <summary>Requires bpffs at /sys/fs/bpf (the test scripts mount it).</summary>
    public static void RequireBpfFs()
    {
        RequireBpf();
        Require(BpfSystem.IsOnBpfFs(BpfSystem.DefaultBpfFsPath) ? null : "bpffs is not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
    }

    /// <summary>Requires an executable on PATH (bpftool, clang-14, gcc).</summary>
    public static string RequireTool(params string[] names)
    {
        foreach (string name in names)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        Require($"{string.Join(" or ", names)} is not installed (scripts/test.sh installs it)");
        return names[0];
    }

    /// <summary>Runs a program and returns its standard output; fails the test on a non-zero exit.</summary>
    public static string Run(string file, params string[] args) => RunWithExit(file, args, out int code) is var output && code == 0
        ? output
        : throw new Xunit.Sdk.XunitException($"{file} {string.Join(' ', args)} exited with {code}: {output}");

    public static string RunWithExit(string file, string[] args, out int exitCode, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach ((string key, string value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        exitCode = process.ExitCode;
        return stdout + stderr.Result;
    }

    private static void Require(string? reason)
    {
        if (reason is null)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"BPFCHANNELS_REQUIRE_BPF=1 but {reason}.");
        }

        Assert.Skip($"Needs the kernel: {reason}. Run as root (CAP_BPF) or set BPFCHANNELS_REQUIRE_BPF=1 to make this a failure.");
    }

    private static string? Probe()
    {
        try
        {
            return BpfSystem.CanUseBpf(out string? reason) ? null : $"this process cannot create BPF maps ({reason})";
        }
        catch (DllNotFoundException e)
        {
            return $"libc could not be loaded ({e.Message})";
        }
    }
}
