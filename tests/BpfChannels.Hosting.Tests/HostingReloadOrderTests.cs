using System.Collections.Concurrent;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>
/// Overlapping reloads of one object: the replacements are reported in the order they happened, each while the entry it
/// replaces is still open. The interleaving is forced: the first reload's handler waits until the second reload is
/// known to be waiting for it (or, were reloads not ordered, until the second has finished).
/// </summary>
public sealed class HostingReloadOrderTests
{
    [Fact]
    public async Task Reopen_SecondStartsWhileFirstNotifies_NotificationsFollowTheReplacementOrder()
    {
        int opened = 0;
        var entries = new HostedEntries<Registration, Entry>("thing", [new Registration("a")], _ => new Entry(Interlocked.Increment(ref opened)), e => e.Closed = true);
        _ = entries.Open();
        var seen = new ConcurrentQueue<(int Old, int New, bool OldClosed, bool NewClosed)>();
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstNotifying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        entries.ReopenQueued += _ => queued.TrySetResult();

        Task first = Task.Run(() => entries.Reopen("a", (old, entry) =>
        {
            firstNotifying.SetResult();
            Task.WaitAny(queued.Task, secondDone.Task);
            seen.Enqueue((old.Number, entry.Number, old.Closed, entry.Closed));
        }), TestContext.Current.CancellationToken);
        await firstNotifying.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        Task second = Task.Run(() => entries.Reopen("a", (old, entry) => seen.Enqueue((old.Number, entry.Number, old.Closed, entry.Closed))), TestContext.Current.CancellationToken);
        _ = second.ContinueWith(_ => secondDone.TrySetResult(), TaskScheduler.Default);
        await Task.WhenAll(first, second).WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

        Assert.True(queued.Task.IsCompleted, "the second reopen did not wait for the first");
        Assert.Equal([(1, 2, false, false), (2, 3, false, false)], seen);
        Assert.Equal(3, entries.Get("a").Number);
        Assert.False(entries.Get("a").Closed);
    }

    [Fact]
    public void Reopen_FromItsOwnHandler_ThrowsAndTheFirstReplacementStands()
    {
        int opened = 0;
        var entries = new HostedEntries<Registration, Entry>("thing", [new Registration("a")], _ => new Entry(Interlocked.Increment(ref opened)), e => e.Closed = true);
        Entry original = entries.Open()[0];

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => entries.Reopen("a", (_, _) => entries.Reopen("a")));

        Assert.Contains("must not replace it again", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, opened);
        Assert.Equal(2, entries.Get("a").Number);
        Assert.True(original.Closed);
    }

    [Fact]
    public void Reopen_HandlerLooksTheEntryUpOnAnotherThread_SeesTheNewEntryWithoutWaiting()
    {
        int opened = 0;
        var entries = new HostedEntries<Registration, Entry>("thing", [new Registration("a"), new Registration("b")], _ => new Entry(Interlocked.Increment(ref opened)), e => e.Closed = true);
        _ = entries.Open();
        Entry? found = null;
        Entry? other = null;

        // Lookups and reopens of another name take nothing the reopen holds: a handler may wait for them.
        Entry replaced = entries.Reopen("a", (_, _) =>
        {
            found = Task.Run(() => entries.Get("a")).WaitAsync(HostFixture.Patience).GetAwaiter().GetResult();
            other = Task.Run(() => entries.Reopen("b")).WaitAsync(HostFixture.Patience).GetAwaiter().GetResult();
        });

        Assert.Same(replaced, found);
        Assert.Same(entries.Get("b"), other);
    }

    [Fact]
    public void Close_AfterAReopen_ClosesTheNewEntryAndLaterReopensThrow()
    {
        int opened = 0;
        var entries = new HostedEntries<Registration, Entry>("thing", [new Registration("a")], _ => new Entry(Interlocked.Increment(ref opened)), e => e.Closed = true);
        _ = entries.Open();
        Entry replaced = entries.Reopen("a");

        entries.Close();

        Assert.True(replaced.Closed);
        Assert.Throws<ObjectDisposedException>(() => entries.Reopen("a"));
        Assert.Equal(2, opened);
    }

    [Fact]
    public async Task Reload_TwoOverlapping_ReloadedReportsEachReplacementInOrderWhileItsPreviousIsOpen()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o");
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        BpfObject original = objects.GetObject("state");
        var seen = new ConcurrentQueue<(BpfObject Previous, BpfObject Current, bool PreviousOpen)>();
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstNotifying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        objects.ReloadQueued += _ => queued.TrySetResult();
        objects.Reloaded += (_, e) =>
        {
            if (firstNotifying.TrySetResult())
            {
                Task.WaitAny(queued.Task, secondDone.Task);
            }

            seen.Enqueue((e.Previous, e.Current, !e.Previous.Maps[0].Map.IsDisposed));
        };

        Task<BpfObject> first = Task.Run(() => objects.Reload("state"), TestContext.Current.CancellationToken);
        await firstNotifying.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        Task<BpfObject> second = Task.Run(() => objects.Reload("state"), TestContext.Current.CancellationToken);
        _ = second.ContinueWith(_ => secondDone.TrySetResult(), TaskScheduler.Default);
        BpfObject[] loaded = await Task.WhenAll(first, second).WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

        (BpfObject Previous, BpfObject Current, bool PreviousOpen)[] events = [.. seen];
        Assert.Equal(2, events.Length);
        Assert.Same(original, events[0].Previous);
        Assert.Same(loaded[0], events[0].Current);
        Assert.Same(loaded[0], events[1].Previous);
        Assert.Same(loaded[1], events[1].Current);
        Assert.All(events, e => Assert.True(e.PreviousOpen));
        Assert.Same(loaded[1], objects.GetObject("state"));
        Assert.False(loaded[1].Maps[0].Map.IsDisposed);
    }

    private sealed record Registration(string Name) : IHostedRegistration;

    private sealed class Entry(int number)
    {
        public int Number { get; } = number;

        public bool Closed { get; set; }
    }
}
