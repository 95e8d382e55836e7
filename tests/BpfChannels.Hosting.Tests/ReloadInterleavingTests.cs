using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>
/// Reloads that meet host stop, each other and an options reload, with the interleaving forced: handlers wait on
/// signals that the other side raises only once it is where the test needs it.
/// </summary>
public sealed class ReloadInterleavingTests
{
    [Fact]
    public async Task Close_WhileAReopenHandlerReopensAnotherName_EndsAndTheLateReopenThrowsDisposed()
    {
        var entries = new HostedEntries<Registration, Entry>("thing", [new Registration("a"), new Registration("b")], r => new Entry(r.Name), e => e.Closed = true);
        _ = entries.Open();
        var closeWaits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        entries.ReopenQueued += name =>
        {
            if (name == "b")
            {
                _ = closeWaits.TrySetResult(); // only Close waits for b: nothing else reopens it
            }
        };
        Exception? late = null;

        // b's handler reopens a once Close is known to be waiting for b's reopen, the order in which holding every
        // name's lock at once (a first) would deadlock.
        Task reopen = Task.Run(() => entries.Reopen("b", (_, _) =>
        {
            inHandler.SetResult();
            closeWaits.Task.Wait(HostFixture.Patience);
            late = Record.Exception(() => entries.Reopen("a"));
        }), TestContext.Current.CancellationToken);
        await inHandler.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        Task close = Task.Run(entries.Close, TestContext.Current.CancellationToken);

        await Task.WhenAll(reopen, close).WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

        Assert.True(closeWaits.Task.IsCompleted, "Close did not wait for the reopen in progress");
        Assert.IsType<ObjectDisposedException>(late);
        Assert.All(entries.Opened, e => Assert.True(e.Closed, $"entry {e.Name} was left open"));
        Assert.Equal(2, entries.Opened.Length);
        Assert.Throws<ObjectDisposedException>(() => entries.Reopen("b"));
    }

    [Fact]
    public async Task Reopen_HandlersReopenEachOthersNames_OneThrowsInsteadOfBothWaitingForever()
    {
        var entries = new HostedEntries<Registration, Entry>("thing", [new Registration("a"), new Registration("b")], r => new Entry(r.Name), e => e.Closed = true);
        _ = entries.Open();
        using var bothInHandlers = new Barrier(2);

        Task first = Task.Run(() => entries.Reopen("a", (_, _) => Cross("b")), TestContext.Current.CancellationToken);
        Task second = Task.Run(() => entries.Reopen("b", (_, _) => Cross("a")), TestContext.Current.CancellationToken);
        Task all = Task.WhenAll(first, second);
        await Task.WhenAny(all, Task.Delay(HostFixture.Patience, TestContext.Current.CancellationToken));

        Assert.True(all.IsCompleted, "the two reopens waited for each other");
        Task[] failed = [.. new[] { first, second }.Where(t => t.IsFaulted)];
        InvalidOperationException e = Assert.IsType<InvalidOperationException>(Assert.Single(failed).Exception!.InnerException);
        Assert.Contains("would wait forever", e.Message, StringComparison.Ordinal);
        Assert.All(entries.Opened, entry => Assert.False(entry.Closed));

        void Cross(string other)
        {
            Assert.True(bothInHandlers.SignalAndWait(HostFixture.Patience));
            _ = entries.Reopen(other);
        }
    }

    [Fact]
    public async Task Step_OptionsReloadedWhileTheStepFindsTheMap_TheNewerOptionsStay()
    {
        BpfTestEnvironment.RequireBpf();
        using var finding = new ManualResetEventSlim();
        using var found = new ManualResetEventSlim();
        bool block = false;
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("notified", "hosted_notified.bpf.o").AddMapChannel(
            "counts",
            sp =>
            {
                if (Volatile.Read(ref block))
                {
                    finding.Set();
                    Assert.True(found.Wait(HostFixture.Patience));
                }

                return sp.GetRequiredService<BpfObjectHost>().GetObject("notified").GetMap<uint, ulong>("counts");
            },
            options =>
            {
                options.Mode = MapChannelMode.Notified;
                options.ReconcileInterval = TimeSpan.FromHours(1);
            });
        HostedMapChannel hosted = Assert.Single(fixture.Registry.Open());
        Assert.Equal(MapChannelMode.Notified, hosted.Channel.Mode);
        BpfChannelsOptions first = fixture.Options;
        _ = fixture.Services.GetRequiredService<BpfObjectHost>().Reload("notified");
        _ = hosted.Step(first, fixture.Time.GetUtcNow());
        Assert.Equal(HostedMapChannelPhase.Reopening, hosted.Read().Phase);

        // The step read the first options; while it looks for the map, newer ones (polled) are applied.
        Volatile.Write(ref block, true);
        Task step = Task.Run(() => hosted.Step(first, fixture.Time.GetUtcNow()), TestContext.Current.CancellationToken);
        Assert.True(finding.Wait(HostFixture.Patience));
        var newer = new BpfChannelsOptions();
        newer.Maps["counts"] = new BpfMapChannelOptions { Mode = MapChannelMode.Polled };
        hosted.Reconfigure(newer);
        Assert.Equal(MapChannelMode.Polled, hosted.Channel.Mode);
        found.Set();
        await step.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

        Assert.Equal(HostedMapChannelPhase.Polling, hosted.Read().Phase);
        Assert.Equal(MapChannelMode.Polled, hosted.Channel.Mode);
    }

    private sealed record Registration(string Name) : IHostedRegistration;

    private sealed class Entry(string name)
    {
        public string Name { get; } = name;

        public bool Closed { get; set; }
    }
}
