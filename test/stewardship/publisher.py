"""One device publishing numbered readings at QoS 1 on paho-mqtt (the Debian
package), for the backup test. Prints each sequence number once its PUBACK
has arrived (the hub acknowledges only committed readings), until the stop
file appears, or after a bounded count and time."""
import json
import os
import sys
import time

import paho.mqtt.client as mqtt

host, port, ca, token, label, stop_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]

client = mqtt.Client(client_id="backup-" + label, protocol=mqtt.MQTTv311)
client.tls_set(ca_certs=ca)
client.username_pw_set(token)
client.connect(host, port, keepalive=30)
client.loop_start()
deadline = time.time() + 120
seq = 0
while not os.path.exists(stop_file) and seq < 5000 and time.time() < deadline:
    seq += 1
    info = client.publish("/v1.6/devices/" + label, json.dumps({"seq": seq}), qos=1)
    info.wait_for_publish(timeout=30)
    if not info.is_published():
        print(json.dumps({"event": "unacked", "seq": seq}), flush=True)
        break
    print(json.dumps({"event": "ack", "seq": seq}), flush=True)
client.loop_stop()
client.disconnect()
print(json.dumps({"event": "done", "last": seq}), flush=True)
