using System.Diagnostics.Metrics;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using BpfChannels.Events;

namespace BpfChannels.Hosting;

/// <summary>One hosted ring buffer: its reader, read by one epoll loop, shared by every subscriber.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal abstract class BpfRingBufferStream : IDisposable
{
    public abstract void Dispose();
}

/// <summary>The records of one ring buffer as a hot observable, connected while the host runs.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfRingBufferStream<T> : BpfRingBufferStream
    where T : unmanaged
{
    private readonly RingBufferReader _reader;
    private readonly IDisposable _connection;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BpfRingBufferStream(string name, BpfMap map, IMeterFactory? meters)
    {
        _reader = new RingBufferReader(map) { MeterFactory = meters };
        IConnectableObservable<T> published = _reader.Observe<T>().Publish();
        Records = published.AsObservable();
        Name = name;
        _ = published.Subscribe(_ => { }, _ => _ended.TrySetResult(), () => _ended.TrySetResult());
        _connection = published.Connect();
    }

    public string Name { get; }

    /// <summary>Every record read from the moment the host started; late subscribers see records from when they subscribe.</summary>
    public IObservable<T> Records { get; }

    public override void Dispose()
    {
        // Disposing the reader completes its stream on the loop thread, and every subscriber sees OnCompleted.
        // Disposing the connection before that has happened would detach them silently, so it waits first.
        _reader.Dispose();
        _ = _ended.Task.Wait(TimeSpan.FromSeconds(5));
        _connection.Dispose();
    }
}
