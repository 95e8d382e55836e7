using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BpfChannels;

/// <summary>
/// An attached BPF iterator program (<see cref="BpfProgram.AttachIterator"/>). Every read creates a fresh iterator
/// (BPF_ITER_CREATE), so each one runs the program over the tasks, map elements or cgroups as they are at that moment.
/// </summary>
/// <remarks>
/// Requires Linux 5.8 or later. The output is what the program writes with bpf_seq_printf / bpf_seq_write. Reads may run concurrently with each other
/// (each has its own descriptor); <see cref="Dispose"/> detaches the program, and reads already open finish on their own descriptor.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfIterator : IDisposable
{
    private readonly BpfHandle _link;

    internal BpfIterator(BpfHandle link, string description)
    {
        _link = link;
        Link = new BpfLink(link, description);
    }

    /// <summary>The iterator's link: pin it to let <c>cat</c> read the iterator from bpffs, or dispose it (as <see cref="Dispose"/> does) to detach.</summary>
    public BpfLink Link { get; }

    /// <summary>Starts one run of the iterator and returns its output as a read-only, forward-only stream.</summary>
    /// <returns>The stream; dispose it to close the iterator's descriptor.</returns>
    /// <exception cref="ObjectDisposedException">The iterator is disposed.</exception>
    /// <exception cref="BpfException">BPF_ITER_CREATE failed.</exception>
    public Stream Open()
    {
        ObjectDisposedException.ThrowIf(Link.IsDisposed, this);
        int errno;
        BpfHandle? iterator;
        try
        {
            errno = Interop.Bpf.IterCreate(_link, out iterator);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(BpfIterator));
        }

        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.IterCreate, Link.Description);
        }

        // The descriptor moves into the stream's own handle, which closes it.
        var file = new SafeFileHandle(iterator!.DangerousGetHandle(), ownsHandle: true);
        iterator.SetHandleAsInvalid();
        return new FileStream(file, FileAccess.Read, bufferSize: 0);
    }

    /// <summary>Runs the iterator once and returns all of its output as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="ObjectDisposedException">The iterator is disposed.</exception>
    /// <exception cref="BpfException">BPF_ITER_CREATE failed.</exception>
    /// <exception cref="IOException">The program failed mid-walk (a read returned an error).</exception>
    public string ReadAllText()
    {
        using var reader = new StreamReader(Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Runs the iterator once and yields its output line by line as it is read.</summary>
    /// <param name="cancellationToken">Stops the walk between lines.</param>
    /// <returns>The lines, without their line ends.</returns>
    /// <exception cref="ObjectDisposedException">The iterator is disposed.</exception>
    /// <exception cref="BpfException">BPF_ITER_CREATE failed.</exception>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(Open(), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>
    /// Runs the iterator once and yields its output as fixed-size binary records, for a program that writes one
    /// <typeparamref name="T"/> per element with bpf_seq_write.
    /// </summary>
    /// <typeparam name="T">The record, laid out as the program writes it.</typeparam>
    /// <param name="cancellationToken">Stops the walk between reads.</param>
    /// <returns>The records.</returns>
    /// <exception cref="ObjectDisposedException">The iterator is disposed.</exception>
    /// <exception cref="BpfException">BPF_ITER_CREATE failed.</exception>
    /// <exception cref="InvalidDataException">The output ends part-way through a record (the program writes something other than <typeparamref name="T"/>).</exception>
    public async IAsyncEnumerable<T> ReadRecordsAsync<T>([EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        byte[] buffer = new byte[Math.Max(size, 4096) / size * size];
        int filled = 0;
        await using Stream stream = Open();
        while (true)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (filled != 0)
                {
                    throw new InvalidDataException($"{Link.Description} ended {filled} bytes into a {size}-byte {typeof(T).Name} record.");
                }

                yield break;
            }

            filled += read;
            int whole = filled / size * size;
            for (int offset = 0; offset < whole; offset += size)
            {
                yield return MemoryMarshal.Read<T>(buffer.AsSpan(offset, size));
            }

            buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
            filled -= whole;
        }
    }

    /// <summary>Detaches the iterator program (once).</summary>
    public void Dispose() => Link.Dispose();

    /// <inheritdoc/>
    public override string ToString() => Link.ToString();
}
