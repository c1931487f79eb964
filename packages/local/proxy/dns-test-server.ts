import * as dgram from "node:dgram";

/**
 * A minimal authoritative DNS server for the proxy test: answers A queries from a mutable table,
 * the way Docker's embedded DNS answers a network alias with every attached container's address.
 * Unknown names get NXDOMAIN; known names with no address get an empty NOERROR answer.
 */
export interface DnsTestServer {
  /** `127.0.0.1:<port>`, for the resolver's server list. */
  readonly address: string;
  /** Name -> IPv4 addresses; change it at any time. */
  readonly records: Map<string, string[]>;
  close(): Promise<void>;
}

function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  while (message[offset] !== 0) {
    const length = message[offset];
    labels.push(message.subarray(offset + 1, offset + 1 + length).toString("ascii"));
    offset += length + 1;
  }
  return { name: labels.join(".").toLowerCase(), end: offset + 1 };
}

function answer(query: Buffer, records: Map<string, string[]>): Buffer {
  const id = query.readUInt16BE(0);
  const recursionDesired = query[2] & 0x01;
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const known = records.get(name);
  const addresses = known && qtype === 1 ? known : [];
  const rcode = known === undefined ? 3 : 0;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x8000 | 0x0400 | (recursionDesired << 8) | 0x0080 | rcode, 2); // QR AA RD RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((address) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    record.writeUInt16BE(1, 2); // A
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(0, 6); // TTL 0, like Docker's embedded DNS answers change at once
    record.writeUInt16BE(4, 10);
    address.split(".").forEach((octet, i) => {
      record[12 + i] = Number(octet);
    });
    return record;
  });
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsTestServer(records: Record<string, string[]> = {}): Promise<DnsTestServer> {
  const table = new Map(Object.entries(records));
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message, remote) => {
    socket.send(answer(message, table), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    records: table,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
