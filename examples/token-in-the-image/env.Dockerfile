FROM python:3.12
WORKDIR /opt/trainer
COPY requirements.txt .
ARG PIP_INDEX_URL
# Don't: ENV keeps the value in the image's configuration, for every container.
ENV PIP_INDEX_URL=${PIP_INDEX_URL}
RUN pip install --no-cache-dir -r requirements.txt
