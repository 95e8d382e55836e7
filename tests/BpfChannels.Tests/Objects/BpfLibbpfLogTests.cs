using System.Collections.Concurrent;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>libbpf's log reaches the .NET handler; a missing libbpf is reported with the package to install.</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class BpfLibbpfLogTests
{
    [Fact]
    public void SetHandler_CorruptObject_HandlerReceivesFormattedWarning()
    {
        BpfTestEnvironment.RequireBpf();
        var messages = new ConcurrentQueue<(BpfLibbpfLogLevel Level, string Text)>();
        BpfLibbpfLog.SetHandler((level, text) => messages.Enqueue((level, text)));
        try
        {
            _ = Assert.ThrowsAny<BpfException>(() => BpfObject.Open("not an ELF object"u8, "logged_object"));
        }
        finally
        {
            BpfLibbpfLog.SetHandler(null);
        }

        // libbpf formats "%s" with the object name: proof that the va_list reached vsnprintf intact.
        Assert.Contains(messages, m => m.Level == BpfLibbpfLogLevel.Warning && m.Text.Contains("logged_object", StringComparison.Ordinal) && m.Text.StartsWith("libbpf: ", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Text.EndsWith('\n'));
    }

    [Fact]
    public void SetHandler_ThrowingHandler_DoesNotCrossIntoNativeCode()
    {
        BpfTestEnvironment.RequireBpf();
        int calls = 0;
        BpfLibbpfLog.SetHandler((_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("handler failure");
        });
        try
        {
            _ = Assert.ThrowsAny<BpfException>(() => BpfObject.Open("not an ELF object"u8, "throwing_handler"));
        }
        finally
        {
            BpfLibbpfLog.SetHandler(null);
        }

        Assert.True(calls > 0);
    }

    [Fact]
    public void Probe_MissingLibrary_MessageNamesLibbpf1Package()
    {
        string? message = LibbpfLibrary.Probe("libbpf-missing-for-test.so.1");

        Assert.NotNull(message);
        Assert.Contains("libbpf-missing-for-test.so.1", message, StringComparison.Ordinal);
        Assert.Contains("'libbpf1'", message, StringComparison.Ordinal);
        Assert.Null(LibbpfLibrary.Probe("libbpf.so.1"));
    }
}
