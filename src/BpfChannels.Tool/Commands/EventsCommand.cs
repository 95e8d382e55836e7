using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using BpfChannels.Events;

namespace BpfChannels.Tool;

/// <summary>
/// <c>events</c>: tails a ring buffer, one line per record, as hex or formatted by a BTF type (from a BPF object
/// file, a raw BTF file or a kernel BTF object id). Records are read where the kernel wrote them, when epoll says so.
/// </summary>
internal static class EventsCommand
{
    public static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadWrite);
        context.Words.ExpectEnd(context.Name);
        if (map.Type != BpfMapType.RingBuffer)
        {
            throw new UsageException($"events tails ring buffers; map '{map.Name}' is {BpfMapTypeNames.GetName(map.Type)}{(map.Type == BpfMapType.PerfEventArray ? " (perf buffers are not read by bpfchan)" : " (dump or watch it)")}.");
        }

        int? limit = context.Get(BpfChanCli.CountOption);
        if (limit <= 0)
        {
            throw new UsageException($"--count needs a positive number, not {limit}.");
        }

        (BtfFormatter Btf, uint Type)? record = LoadType(context, map);
        using var reader = new RingBufferReader(map);
        using var loop = new EventLoop();
        long seen = 0;
        var lines = new StringBuilder();
        loop.Add(reader, data =>
        {
            if (limit is { } most && seen >= most)
            {
                return;
            }

            seen++;
            lines.AppendLine(Format(context, data, record));
        });

        using CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task pump = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested && (limit is not { } most || seen < most))
                {
                    _ = loop.PollOnce(TimeSpan.FromMilliseconds(100));
                    if (lines.Length > 0)
                    {
                        context.Out.Write(lines.ToString());
                        context.Out.Flush();
                        lines.Clear();
                    }
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a normal end.
        }

        return ExitCodes.Success;
    }

    private static string Format(CommandContext context, ReadOnlySpan<byte> data, (BtfFormatter Btf, uint Type)? record)
    {
        if (!context.Json)
        {
            if (record is not { } typed)
            {
                return HexText.Spaced(data);
            }

            var compact = new StringWriter();
            using (var json = new JsonOutput(compact, pretty: false))
            {
                WriteTyped(json.Writer, typed, data);
                json.Complete();
            }

            return compact.ToString().TrimEnd('\n');
        }

        var line = new StringWriter();
        using (var output = new JsonOutput(line, pretty: false))
        {
            Utf8JsonWriter json = output.Writer;
            json.WriteStartObject();
            json.WriteNumber("size", data.Length);
            json.WritePropertyName("data");
            JsonOutput.WriteHex(json, data);
            if (record is { } typed)
            {
                json.WritePropertyName("formatted");
                WriteTyped(json, typed, data);
            }

            json.WriteEndObject();
            output.Complete();
        }

        return line.ToString().TrimEnd('\n');
    }

    private static void WriteTyped(Utf8JsonWriter json, (BtfFormatter Btf, uint Type) record, ReadOnlySpan<byte> data)
    {
        int size = record.Btf.SizeOf(record.Type);
        if (data.Length < size)
        {
            json.WriteStringValue($"record of {data.Length} bytes is shorter than the type ({size} bytes)");
            return;
        }

        record.Btf.WriteValue(json, record.Type, data[..size]);
    }

    private static (BtfFormatter, uint)? LoadType(CommandContext context, BpfMap map)
    {
        string? type = context.Get(BpfChanCli.TypeOption);
        string? file = context.Get(BpfChanCli.BtfFileOption);
        uint? id = context.Get(BpfChanCli.BtfIdOption);
        if (type is null)
        {
            return file is null && id is null ? null : throw new UsageException("--btf and --btf-id say where the record type is; name it with --type (for example --type event).");
        }

        BtfFormatter btf;
        if (file is not null)
        {
            btf = new BtfFormatter(ReadBtfFile(file));
        }
        else if (id is { } btfId)
        {
            using BpfBtf kernel = BpfBtf.OpenById(btfId);
            btf = new BtfFormatter(kernel.GetRawData());
        }
        else
        {
            return FromRunningProgram(map, TypeName(type)) ?? throw new UsageException(
                $"No loaded program that uses ring buffer '{map.Name}' has a type named '{type}' in its BTF; say where it is with --btf FILE (the program's .o, or raw BTF) or --btf-id ID (bpftool btf list).");
        }

        uint typeId = btf.FindType(TypeName(type));
        return typeId != 0 ? (btf, typeId) : throw new UsageException($"No type named '{type}' in that BTF.");
    }

    private static string TypeName(string type) => type.StartsWith("struct ", StringComparison.Ordinal) ? type[7..] : type;

    /// <summary>The type from the BTF of a loaded program that writes this ring buffer (its map ids include it).</summary>
    private static (BtfFormatter, uint)? FromRunningProgram(BpfMap map, string type)
    {
        uint mapId = map.Id;
        foreach (BpfProgramInfo program in BpfProgramInfo.GetAll())
        {
            if (program.BtfId == 0 || !program.MapIds.Contains(mapId))
            {
                continue;
            }

            using BpfBtf kernel = BpfBtf.OpenById(program.BtfId);
            var btf = new BtfFormatter(kernel.GetRawData());
            if (btf.FindType(type) is var id and not 0)
            {
                return (btf, id);
            }
        }

        return null;
    }

    /// <summary>Raw BTF, or the .BTF section of a BPF ELF object.</summary>
    private static byte[] ReadBtfFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new NotFoundException($"No file at {path}.");
        }

        byte[] file = File.ReadAllBytes(path);
        if (file.Length >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(file) == 0xeB9F)
        {
            return file;
        }

        ReadOnlySpan<byte> elf = file;
        if (file.Length < 64 || !elf[..4].SequenceEqual("\u007fELF"u8) || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"{path} is neither raw BTF nor a 64-bit little-endian ELF object.");
        }

        long sections = BinaryPrimitives.ReadInt64LittleEndian(elf[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        int names = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3E..]);
        long namesOffset = BinaryPrimitives.ReadInt64LittleEndian(elf.Slice(checked((int)sections + (names * entrySize)), entrySize)[0x18..]);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = elf.Slice(checked((int)sections + (i * entrySize)), entrySize);
            ReadOnlySpan<byte> name = elf[checked((int)namesOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(header))..];
            if (name.StartsWith(".BTF\0"u8))
            {
                long offset = BinaryPrimitives.ReadInt64LittleEndian(header[0x18..]);
                long size = BinaryPrimitives.ReadInt64LittleEndian(header[0x20..]);
                return elf.Slice(checked((int)offset), checked((int)size)).ToArray();
            }
        }

        throw new InvalidDataException($"{path} has no .BTF section (compile it with -g).");
    }
}
