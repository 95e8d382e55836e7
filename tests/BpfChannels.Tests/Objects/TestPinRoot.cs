namespace BpfChannels.Tests.Objects;

/// <summary>A fresh directory on bpffs for one test's pins, removed with everything pinned in it.</summary>
public sealed class TestPinRoot : IDisposable
{
    public TestPinRoot()
    {
        Path = System.IO.Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchannels_objects_{Environment.ProcessId}_{Guid.NewGuid():N}");
        _ = Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
