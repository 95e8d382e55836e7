using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Hosting;

/// <summary>
/// The ring buffers registered with <see cref="BpfChannelsBuilderRingBufferExtensions.AddRingBuffer{T}"/>: read from the
/// moment the host starts by epoll loops (no polling), published to every subscriber, completed when the host stops.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. One epoll loop reads each ring buffer, in order; every subscriber has its own bounded buffer, so a
/// subscriber that throws or falls behind hurts only itself: an observer whose <c>OnNext</c> throws is detached and
/// receives nothing more, and a slow observer loses its own oldest records. A reader opened with
/// <see cref="BoundedChannelFullMode.Wait"/> is the exception by design: it holds the loop back, so the kernel drops
/// records at reservation instead (the producer sees a full ring).
/// </para>
/// <para>
/// A ring buffer of a hosted BPF object follows <see cref="BpfObjectHost.Reload"/>: once the old object is disposed
/// (its programs run no more), the old ring's loop ends, the old ring is drained one last time, and its subscribers go
/// on with the new object's ring, read from its start; a new object without the ring ends them with the reason. Every
/// record either ring holds is delivered, in order. A full <c>Wait</c> reader holds the reload back until it is read
/// (or the host stops), so the code that reads it must not be the code that reloads: a consumer that calls
/// <see cref="BpfObjectHost.Reload"/> while its reader is full waits for itself until the host stops.
/// </para>
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfRingBufferHost : IHostedService, IDisposable
{
    private readonly HostedEntries<BpfRingBufferRegistration, BpfRingBufferStream> _streams;
    private readonly CancellationTokenSource _stopping = new();
    private readonly BpfObjectHost? _objects;

    // Opening the streams and choosing which follow a reload take this lock: a stream opened while an object reloads
    // is either opened before the reload looks at the streams (and follows it) or finds the new object's ring.
    private readonly Lock _gate = new();
    private readonly Dictionary<BpfObjectReloadedEventArgs, List<(BpfRingBufferStream Stream, string Map)>> _following = [];

    internal BpfRingBufferHost(IEnumerable<BpfRingBufferRegistration> registrations, MapLocator locator, IMeterFactory? meters, BpfObjectHost? objects = null)
    {
        _objects = objects;
        _streams = new HostedEntries<BpfRingBufferRegistration, BpfRingBufferStream>(
            BpfRingBufferRegistration.Kind,
            registrations,
            registration =>
            {
                MapLookup lookup = locator.Find(registration.Name, registration.MapFactory, pinPath: null);
                BpfMap map = lookup.Map
                    ?? throw new InvalidOperationException($"Ring buffer '{registration.Name}' was not found: {lookup.Missing}.");
                return registration.Start(map, meters);
            },
            stream => stream.Dispose());
        if (objects is not null)
        {
            objects.Reloaded += OnReloaded;
            objects.Replaced += OnReplaced;
        }
    }

    /// <summary>The records of the ring buffer registered as <paramref name="name"/>.</summary>
    /// <typeparam name="T">The record type it was registered with.</typeparam>
    /// <param name="name">The registration name.</param>
    /// <param name="capacity">How many records each subscription may fall behind before it loses its oldest.</param>
    /// <returns>
    /// A hot observable: records from the moment of subscription, each subscription fed from its own buffer on the
    /// thread pool (<c>OnNext</c> calls never overlap); completes when the host stops.
    /// </returns>
    /// <exception cref="KeyNotFoundException">No ring buffer has that name.</exception>
    /// <exception cref="InvalidCastException"><typeparamref name="T"/> is not the registered record type.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The host has stopped.</exception>
    public IObservable<T> Observe<T>(string name, int capacity = 4096)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        BpfRingBufferStream<T> stream = Stream<T>(name);
        return System.Reactive.Linq.Observable.Create<T>(async (observer, cancellationToken) =>
        {
            ChannelReader<T> records = Subscribe(stream, capacity, BoundedChannelFullMode.DropOldest, out IDisposable subscription);
            using (subscription)
            {
                try
                {
                    await foreach (T record in records.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        observer.OnNext(record);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return; // unsubscribed
                }
            }

            observer.OnCompleted();
        });
    }

    /// <summary>The records of a ring buffer as a bounded channel, for pipelines.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="name">The registration name.</param>
    /// <param name="capacity">How many records may wait.</param>
    /// <param name="fullMode">What happens when the channel is full; <see cref="BoundedChannelFullMode.Wait"/> holds the loop back (the kernel then drops at reservation), and a reload of the ring's object waits until the reader has room: do not reload from the code that reads it.</param>
    /// <returns>The reader; it completes when the host stops.</returns>
    /// <exception cref="KeyNotFoundException">No ring buffer has that name.</exception>
    public ChannelReader<T> OpenReader<T>(string name, int capacity = 4096, BoundedChannelFullMode fullMode = BoundedChannelFullMode.Wait)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return Subscribe(Stream<T>(name), capacity, fullMode, out _);
    }

    /// <summary>A bounded buffer fed from the shared stream until <paramref name="subscription"/> is disposed or the host stops.</summary>
    private ChannelReader<T> Subscribe<T>(BpfRingBufferStream<T> stream, int capacity, BoundedChannelFullMode fullMode, out IDisposable subscription)
        where T : unmanaged
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = fullMode, SingleWriter = true });
        CancellationToken stopping = _stopping.Token;
        subscription = stream.Records.Subscribe(
            record =>
            {
                if (!channel.Writer.TryWrite(record) && fullMode == BoundedChannelFullMode.Wait)
                {
                    try
                    {
                        // Holding the loop thread here is the backpressure; stopping the host releases it.
                        channel.Writer.WriteAsync(record, stopping).AsTask().GetAwaiter().GetResult();
                    }
                    catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && stopping.IsCancellationRequested)
                    {
                        // Stopped: this reader ends here, and the records the ring still holds pass it by.
                        channel.Writer.TryComplete();
                    }
                }
            },
            error => channel.Writer.TryComplete(error),
            () => channel.Writer.TryComplete());
        return channel.Reader;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Open();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_objects is not null)
        {
            _objects.Reloaded -= OnReloaded;
            _objects.Replaced -= OnReplaced;
        }

        _stopping.Cancel();
        _streams.Close();
    }

    private BpfRingBufferStream[] Open()
    {
        lock (_gate)
        {
            return _streams.Open();
        }
    }

    // Which streams read a ring of the reloaded object is known only while the old object is open; they move to the new
    // object's ring once the old object is gone (OnReplaced), so what its programs wrote until their links went is read.
    private void OnReloaded(object? sender, BpfObjectReloadedEventArgs e)
    {
        lock (_gate)
        {
            List<(BpfRingBufferStream, string)> following = [];
            foreach (BpfRingBufferStream stream in _streams.Opened)
            {
                BpfMap map = stream.Map;
                if (BpfObjectHost.FindDefinition(e.Previous, m => ReferenceEquals(m, map)) is { } definition)
                {
                    following.Add((stream, definition.Name));
                }
            }

            _following[e] = following;
        }
    }

    // A ring of the reloaded object is read in the new object from now on, for the same subscribers (the old object's
    // programs are gone, so its ring would stay silent); a ring the new object lacks ends its stream with the reason.
    private void OnReplaced(object? sender, BpfObjectReloadedEventArgs e)
    {
        List<(BpfRingBufferStream Stream, string Map)>? following;
        lock (_gate)
        {
            if (!_following.Remove(e, out following))
            {
                return;
            }
        }

        // Outside the lock: a full Wait reader may hold a stream's switch back, and nothing else need wait for it.
        List<Exception>? failures = null;
        foreach ((BpfRingBufferStream stream, string map) in following)
        {
            try
            {
                stream.Follow(e.Current.GetMap(map));
            }
            catch (Exception failure) when (failure is KeyNotFoundException or InvalidOperationException or BpfException or ArgumentException or InvalidDataException)
            {
                var error = new InvalidOperationException($"Ring buffer '{stream.Name}' cannot follow the reload of BPF object '{e.Name}': {failure.Message}", failure);
                stream.Fail(error);
                (failures ??= []).Add(error);
            }
        }

        HostedFailures.ThrowIfAny(failures, $"Ring buffers of reloaded BPF object '{e.Name}' cannot follow it.");
    }

    private BpfRingBufferStream<T> Stream<T>(string name)
        where T : unmanaged
    {
        _ = Open(); // under the gate, as a reload's look at the opened streams is (after the first time it only returns them)
        BpfRingBufferStream stream = _streams.Get(name);
        return stream as BpfRingBufferStream<T>
            ?? throw new InvalidCastException($"Ring buffer '{name}' carries {_streams.GetRegistration(name).RecordType.Name} records, not {typeof(T).Name}.");
    }
}
