FROM python:3.12
WORKDIR /opt/trainer
COPY requirements.txt .
# Don't: the file stays in the layer COPY makes, though a later step deletes it.
COPY pip.conf /etc/pip.conf
RUN pip install --no-cache-dir -r requirements.txt && rm /etc/pip.conf
