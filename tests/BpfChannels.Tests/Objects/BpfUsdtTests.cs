using System.Diagnostics;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>USDT probes in a small C program built by the test with the distribution's sys/sdt.h.</summary>
public sealed class BpfUsdtTests : IDisposable
{
    private const string Source = """
        #include <stdio.h>
        #include <sys/sdt.h>

        /* Waits for a line on stdin (the test attaches meanwhile), then fires bpfchan_test:tick five times. */
        int main(void)
        {
            char line[16];
            printf("ready\n");
            fflush(stdout);
            if (!fgets(line, sizeof(line), stdin))
                return 1;
            for (int i = 1; i <= 5; i++)
                DTRACE_PROBE2(bpfchan_test, tick, i, (long)i * 1000);
            return 0;
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("bpfchan-usdt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string BuildProbeBinary()
    {
        string gcc = BpfTestEnvironment.RequireTool("gcc", "cc");
        string source = Path.Combine(_directory, "usdt_probe.c");
        string binary = Path.Combine(_directory, "usdt_probe");
        File.WriteAllText(source, Source);
        _ = BpfTestEnvironment.Run(gcc, "-O1", "-o", binary, source);
        return binary;
    }

    [Fact]
    public void AttachUsdt_ProbeOfBuiltProgramWithPidFilter_FiresWithItsArguments()
    {
        BpfTestEnvironment.RequireBpf();
        string binary = BuildProbeBinary();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("usdt_probe"));
        BpfMap<uint, ulong> seen = obj.GetMap<uint, ulong>("usdt_seen");

        var info = new ProcessStartInfo(binary) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using Process child = Process.Start(info)!;
        try
        {
            Assert.Equal("ready", child.StandardOutput.ReadLine());
            using BpfLink link = obj.GetProgram("on_tick").AttachUsdt(binary, "bpfchan_test", "tick", child.Id);
            Assert.Contains($"pid {child.Id}", link.Description, StringComparison.Ordinal);
            child.StandardInput.WriteLine("go");
            child.StandardInput.Flush();
            Assert.True(child.WaitForExit(10_000), "the probe program did not finish");
            Assert.Equal(0, child.ExitCode);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }

        Assert.Equal(5ul, seen[0]);
        Assert.Equal(5ul, seen[1]);
        Assert.Equal(5000ul, seen[2]);
        Assert.Equal(15ul, seen[3]);
    }

    [Fact]
    public void AttachUsdt_ProbeOfAnotherProcess_DoesNotFire()
    {
        BpfTestEnvironment.RequireBpf();
        string binary = BuildProbeBinary();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("usdt_probe"));
        var info = new ProcessStartInfo(binary) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using Process child = Process.Start(info)!;
        Assert.Equal("ready", child.StandardOutput.ReadLine());

        // Filtered to this test process, which never runs the probe binary's code.
        using (obj.GetProgram("on_tick").AttachUsdt(binary, "bpfchan_test", "tick", Environment.ProcessId))
        {
            child.StandardInput.WriteLine("go");
            child.StandardInput.Flush();
            Assert.True(child.WaitForExit(10_000));
        }

        Assert.Equal(0ul, obj.GetMap<uint, ulong>("usdt_seen")[0]);
    }

    [Fact]
    public void AttachUsdt_NoSuchNote_NamesTheProbesTheBinaryHas()
    {
        BpfTestEnvironment.RequireBpf();
        string binary = BuildProbeBinary();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("usdt_probe"));
        BpfException e = Assert.Throws<BpfException>(() => obj.GetProgram("on_tick").AttachUsdt(binary, "bpfchan_test", "missing"));
        Assert.Contains("no USDT note for bpfchan_test:missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("it has bpfchan_test:tick", e.Message, StringComparison.Ordinal);

        BpfException none = Assert.Throws<BpfException>(() => obj.GetProgram("on_tick").AttachUsdt("/bin/true", "bpfchan_test", "tick"));
        Assert.Contains("no .note.stapsdt section", none.Message, StringComparison.Ordinal);
    }
}
