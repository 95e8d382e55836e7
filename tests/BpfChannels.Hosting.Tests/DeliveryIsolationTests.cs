using System.Diagnostics;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Hosting.Tests;

/// <summary>On the real clock and this machine's cores: subscribers that block cannot delay the poller or anyone else.</summary>
public sealed class DeliveryIsolationTests
{
    // 200 ms: three intervals (the bound) stay well under the 0.9 s stall a starved thread pool caused, and above
    // what scheduling alone adds on two cores that other builds and test runs keep busy.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Observe_TwoSubscribersBlockForThirtySeconds_HealthySubscribersWorstDelayUnderThreeIntervals()
    {
        using BpfMap<uint, long> map = BpfMapFactory.InMemory.CreateHash<uint, long>(4);
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBpfChannels(o => o.DefaultPollInterval = Interval).AddMapChannel<uint, long>("stamps", _ => map);
        using IHost host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        MapChannel<uint, long> channel = host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<uint, long>("stamps");

        using var release = new ManualResetEventSlim();
        int blockedCalls = 0;
        using IDisposable blocked1 = channel.Observe().Subscribe(_ => Block(release, ref blockedCalls));
        using IDisposable blocked2 = channel.Observe().Subscribe(_ => Block(release, ref blockedCalls));
        long worstDelay = 0;
        long worstGap = 0;
        long lastDelivery = 0;
        int deliveries = 0;
        using IDisposable healthy = channel.Observe().Subscribe(change =>
        {
            // The value is when the writer wrote it; a poll delivers the latest one, written within the last few ms.
            long now = Stopwatch.GetTimestamp();
            worstDelay = Math.Max(worstDelay, now - change.Value);
            if (lastDelivery != 0)
            {
                worstGap = Math.Max(worstGap, now - lastDelivery);
            }

            lastDelivery = now;
            deliveries++;
        });

        // The writer stamps the key every 5 ms on its own thread, for the whole run.
        var writer = new Thread(() =>
        {
            var run = Stopwatch.StartNew();
            while (run.Elapsed < Duration)
            {
                map.Update(1, Stopwatch.GetTimestamp());
                Thread.Sleep(5);
            }
        }) { IsBackground = true };
        writer.Start();
        await Task.Run(writer.Join, TestContext.Current.CancellationToken);
        await Task.Delay(3 * Interval, TestContext.Current.CancellationToken);
        int blockedBeforeRelease = Volatile.Read(ref blockedCalls);
        healthy.Dispose();
        release.Set();
        await host.StopAsync(TestContext.Current.CancellationToken);

        TimeSpan delay = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref worstDelay));
        TimeSpan gap = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref worstGap));
        TestContext.Current.TestOutputHelper?.WriteLine($"{deliveries} deliveries; worst delay {delay.TotalMilliseconds:F1} ms; worst gap {gap.TotalMilliseconds:F1} ms; interval {Interval.TotalMilliseconds} ms");
        Assert.Equal(2, blockedBeforeRelease); // both were stuck in their first OnNext the whole time
        Assert.True(deliveries > Duration / Interval / 2, $"only {deliveries} deliveries in {Duration}");
        Assert.True(delay < 3 * Interval, $"worst delay from write to delivery {delay.TotalMilliseconds:F1} ms");
        Assert.True(gap < 3 * Interval, $"worst gap between deliveries {gap.TotalMilliseconds:F1} ms");
    }

    private static void Block(ManualResetEventSlim release, ref int calls)
    {
        Interlocked.Increment(ref calls);
        release.Wait();
    }
}
