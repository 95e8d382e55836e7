using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// The links of the programs attached from <see cref="BpfProgramAttachOptions"/>: made when the host starts (after the
/// objects load) and disposed when it stops. Health reports each one.
/// </summary>
/// <remarks>
/// Thread-safe. A link follows its object: when <see cref="BpfObjectHost.Reload"/> replaces an object, each of its
/// programs is attached again from the new object before the old link is disposed, so the attachment never points
/// at the programs and maps that are about to close.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfProgramLinks : IDisposable
{
    private readonly BpfObjectHost _objects;
    private readonly BpfProgramAttachOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private List<BpfAttachedProgram> _attached = [];
    private bool _started;

    internal BpfProgramLinks(BpfObjectHost objects, IOptions<BpfProgramAttachOptions> options, ILogger<BpfProgramLinks> logger)
    {
        _objects = objects;
        _options = options.Value;
        _logger = logger;
        _objects.Reloaded += OnReloaded;
    }

    /// <summary>The attached programs, in attach order; empty before start and after stop.</summary>
    public IReadOnlyList<BpfAttachedProgram> Attached
    {
        get
        {
            lock (_lock)
            {
                return [.. _attached];
            }
        }
    }

    /// <summary>Whether <see cref="Attached"/> holds what start attached (false before start and after stop).</summary>
    public bool IsStarted
    {
        get
        {
            lock (_lock)
            {
                return _started;
            }
        }
    }

    /// <summary>The configured attachments, per object, in order (what start attaches).</summary>
    public IReadOnlyList<(string ObjectName, BpfProgramAttachment Attachment)> Configured =>
        [.. _options.Objects.SelectMany(o => o.Value.Attach.Select(a => (o.Key, a)))];

    /// <summary>Detaches every program (as stopping the host does).</summary>
    public void Dispose()
    {
        _objects.Reloaded -= OnReloaded;
        Detach();
    }

    /// <summary>Attaches every configured program; on the first failure detaches those already attached and throws.</summary>
    /// <exception cref="InvalidOperationException">A configured object or program does not exist, or a program failed to attach; the message names it and the cause.</exception>
    internal void Attach()
    {
        lock (_lock)
        {
            if (_started)
            {
                return;
            }

            var attached = new List<BpfAttachedProgram>();
            try
            {
                foreach ((string objectName, BpfProgramAttachment attachment) in Configured)
                {
                    attached.Add(AttachOne(objectName, attachment));
                }
            }
            catch
            {
                Release(attached);
                throw;
            }

            _attached = attached;
            _started = true;
        }
    }

    /// <summary>Detaches every program, last attached first.</summary>
    internal void Detach()
    {
        List<BpfAttachedProgram> attached;
        lock (_lock)
        {
            attached = _attached;
            _attached = [];
            _started = false;
        }

        Release(attached);
    }

    // Attaches each of the reloaded object's programs from the new object, then disposes the old link (the
    // program's events are counted once more at most while both are attached, never missed); where the point is
    // busy with the old link, the old one goes first. A program that cannot be attached again is detached and
    // reported through Reload's exception; the others still move.
    private void OnReloaded(object? sender, BpfObjectReloadedEventArgs e)
    {
        List<Exception> failures = [];
        lock (_lock)
        {
            if (!_started)
            {
                return;
            }

            var moved = new List<BpfAttachedProgram>(_attached.Count);
            foreach (BpfAttachedProgram old in _attached)
            {
                if (old.ObjectName != e.Name)
                {
                    moved.Add(old);
                    continue;
                }

                BpfProgramAttachment attachment = old.Attachment!; // AttachOne, the only place a link is made, always sets it
                try
                {
                    moved.Add(AttachOne(e.Name, attachment, e.Current));
                    Release([old]);
                }
                catch (InvalidOperationException busy) when (busy.InnerException is BpfException { Error: BpfError.Busy or BpfError.AlreadyExists })
                {
                    // The attach point takes one program at a time (an XDP interface, a tc handle): the old link goes
                    // first, and the point runs nothing between the two.
                    Release([old]);
                    try
                    {
                        moved.Add(AttachOne(e.Name, attachment, e.Current));
                    }
                    catch (InvalidOperationException failure)
                    {
                        failures.Add(failure);
                    }
                }
                catch (InvalidOperationException failure)
                {
                    failures.Add(failure);
                    Release([old]);
                }
            }

            _attached = moved;
        }

        HostedFailures.ThrowIfAny(failures.Count > 0 ? failures : null, $"Attaching the programs of reloaded BPF object '{e.Name}' failed.");
    }

    private BpfAttachedProgram AttachOne(string objectName, BpfProgramAttachment attachment, BpfObject? reloaded = null)
    {
        string when = reloaded is null ? "at start-up" : "after its object was reloaded";
        string what = $"program '{attachment.Program}' of BPF object '{objectName}'{(attachment.Target is null ? string.Empty : $" to '{attachment.Target}'")}{(attachment.ConfigurationPath is null ? string.Empty : $" ({attachment.ConfigurationPath})")}";
        BpfObject obj;
        BpfProgram program;
        try
        {
            obj = reloaded ?? _objects.GetObject(objectName);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidOperationException($"Attaching {what} {when} failed: {e.Message}", e);
        }

        // The checks the generated bindings run at start from what they know of the object, here against the loaded one.
        string[] problems = [.. BpfProgramAttachValidator.Problems(attachment, attachment.ConfigurationPath ?? $"Objects:{objectName}:Attach", $"BPF object '{objectName}'", [.. obj.Programs.Select(p => p.Name)])];
        if (problems.Length > 0)
        {
            throw new InvalidOperationException($"Attaching {what} {when} failed: {string.Join(" ", problems)}");
        }

        program = obj.GetProgram(attachment.Program);
        BpfLink link;
        try
        {
            link = attachment.AttachWith is { } attach
                ? attach(program) ?? throw new InvalidOperationException("its attach delegate returned no link.")
                : attachment.Target is null ? program.Attach() : program.Attach(attachment.Target);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // A delegate given in code can throw anything; the start-up failure still names the program and the cause.
            throw new InvalidOperationException($"Attaching {what} {when} failed: {e.Message}", e);
        }

        AttachLog.Attached(_logger, attachment.Program, objectName, link.Description);
        return new BpfAttachedProgram(objectName, attachment.Program, attachment.Target, link) { Attachment = attachment };
    }

    private void Release(List<BpfAttachedProgram> attached)
    {
        for (int i = attached.Count - 1; i >= 0; i--)
        {
            attached[i].Link.Dispose();
            AttachLog.Detached(_logger, attached[i].ProgramName, attached[i].ObjectName, attached[i].Link.Description);
        }
    }
}
